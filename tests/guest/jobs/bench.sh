#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job `make bench` runs in the VM: the full benchmark, with the floor
# device of tests/floor for its floor rows.
insmod /hello_floor.ko || exit 1
exec /bench --floor
