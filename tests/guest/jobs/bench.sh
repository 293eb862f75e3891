#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of `make bench`: the full benchmark, with the floor device
# (tests/floor) for its floor rows.
insmod /hello_floor.ko || exit 1
exec /bench --floor
