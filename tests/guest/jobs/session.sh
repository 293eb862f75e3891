#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The job of make package-check's boots: the user's session alone, with
# the module DKMS built.
exec sh /session.sh
