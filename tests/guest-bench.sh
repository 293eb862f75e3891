#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job `make bench` runs in the VM: the full benchmark.
exec /bench
