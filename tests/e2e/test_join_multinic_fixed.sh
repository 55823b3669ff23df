#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Lab 1 fixed on both ends: nothing to join (test_join_multinic.sh).
exec bash "$(dirname "$0")/test_join_multinic.sh" fixed
