# SPDX-License-Identifier: GPL-2.0
# The per-round ratios of tests/guest/bench.c, one point per round.
# Usage: gnuplot -e "data='rounds.dat'; out='bench.svg'" tests/host/bench.gp
# data: "TEST ROUND RATIO" per line, as tests/host/chart.sh extracts them.
set terminal svg size 1200,500 dynamic font "sans,11" background "white"
set output out
set multiplot layout 1,2 title "hello\\_kmalloc vs the kernel's own devices, one boot (points: rounds; bars: targets)"

cost = "read64 write64 open+close read1 write1 read64-floor write64-floor"
target = "1.15 1.25 1.15 0 0 0 0"
speed = "2thr-read64 2thr-read64-zero 2thr-open+close 2thr-open+close-null"
idx(list, name) = sum [i = 1:words(list)] (word(list, i) eq name ? i : 0)
jitter(r) = (r - 8) * 0.02

set grid ytics
set key off
set bmargin 5
set xrange [0.4:7.6]
set yrange [0.6:*]
set ylabel "cost ratio (our time/op / baseline's)"
set xtics ("read64\nzero" 1, "write64\nnull" 2, "open+\nclose\nnull" 3, "read1\nzero" 4, "write1\nnull" 5, "floor\nread64\nzero" 6, "floor\nwrite64\nnull" 7)
set arrow from 0.4,1 to 7.6,1 nohead dt 2 lc rgb "gray40"
do for [i = 1:3] {
	t = real(word(target, i))
	set arrow from i - 0.3, t to i + 0.3, t nohead lw 2 lc rgb "red"
}
set title "cost ratio per round (1.00 = as cheap as the baseline)"
plot data using (idx(cost, strcol(1)) + jitter($2)):(idx(cost, strcol(1)) ? $3 : 1/0) \
	with points pt 7 ps 0.6 lc rgb "#1f77b4"

unset arrow
set xrange [0.4:4.6]
set yrange [0:*]
set ylabel "speedup (2 threads / 1 thread)"
set xtics ("hello0\nread64" 1, "zero\nread64" 2, "hello0\nopen+close" 3, "null\nopen+close" 4)
set arrow from 0.4,2 to 4.6,2 nohead dt 2 lc rgb "gray40"
set arrow from 0.4,1 to 4.6,1 nohead dt 3 lc rgb "gray60"
set title "2 threads, one fd each (2.00 = perfect on 2 vCPUs)"
plot data using (idx(speed, strcol(1)) + jitter($2)):(idx(speed, strcol(1)) ? $3 : 1/0) \
	with points pt 7 ps 0.6 lc rgb "#2ca02c"
unset multiplot
