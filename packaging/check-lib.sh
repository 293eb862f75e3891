# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
# Sourced by each check packaging/check.sh runs in its chroot (sh -e):
#   must WHAT CMD...        CMD, or say "FAILED: WHAT" and exit 1
#   apt_install ARG...      apt-get install without recommends
#   installed VER ABI...    DKMS built and installed hello_kmalloc VER for
#                           each ABI, for no other kernel, and no other
#                           version of it is there
#   nothing_left            no trace of the package: dpkg, /usr/src,
#                           /var/lib/dkms, /lib/modules, depmod
name=hello_kmalloc
pkg=hello-kmalloc-dkms

must() {
	what=$1
	shift
	"$@" || { echo "FAILED: $what"; exit 1; }
}

apt_install() {
	apt-get install -y -q --no-install-recommends "$@"
}

installed() {
	v=$1
	shift
	dkms status "$name" | tee /tmp/status
	must "at least one kernel" [ $# -gt 0 ]
	must "dkms status: one line per kernel ($#)" \
		[ "$(grep -c . /tmp/status)" = $# ]
	for abi; do
		must "dkms status: $name/$v installed for $abi" \
			grep -q "^$name/$v, $abi, [^:]*: installed" /tmp/status
		must "modinfo -k $abi finds it in updates/dkms" sh -c \
			"modinfo -k '$abi' -n $name | grep -q '^/lib/modules/$abi/updates/dkms/'"
		must "modinfo: version $v" \
			[ "$(modinfo -k "$abi" -F version $name)" = "$v" ]
		must "modinfo: license GPL" \
			[ "$(modinfo -k "$abi" -F license $name)" = GPL ]
		must "modinfo: vermagic $abi" sh -c \
			"modinfo -k '$abi' -F vermagic $name | grep -q '^$abi '"
	done
	must "/usr/src holds $name-$v alone" \
		[ "$(ls -d /usr/src/$name-*)" = "/usr/src/$name-$v" ]
	must "/var/lib/dkms/$name has $v" [ -d "/var/lib/dkms/$name/$v" ]
	for d in "/var/lib/dkms/$name"/*; do
		case ${d##*/} in
		"$v"|kernel-*) ;;
		*) must "/var/lib/dkms/$name: no $d" false ;;
		esac
	done
}

nothing_left() {
	must "dpkg knows no $pkg" sh -c "! dpkg -s $pkg >/dev/null 2>&1"
	must "dpkg --audit is clean" [ -z "$(dpkg --audit)" ]
	must "no /usr/src/$name-*" [ -z "$(ls -d /usr/src/$name-* 2>/dev/null)" ]
	must "no /var/lib/dkms/$name" [ ! -e /var/lib/dkms/$name ]
	must "no $name.ko* under /lib/modules" \
		[ -z "$(find /lib/modules -name "$name.ko*")" ]
	must "no $name in depmod's files" \
		sh -c "! grep -rqs $name /lib/modules/*/modules.*"
	for d in /lib/modules/*; do
		must "modinfo -k ${d##*/} finds no $name" \
			sh -c "! modinfo -k '${d##*/}' $name >/dev/null 2>&1"
	done
}
