"""Seed scenarios for the local AWS test bed, and the drivers of scripts/demo and scripts/bench.

- demo_night.py: a realistic night in Asia/Tokyo (a dozen jobs, each kind of problem once).
- bench_world.py: 300 state machines x 5 runs a day x 7 days, and one with 2,500 runs.
- testbed.py: a private test bed process, and its control endpoints.
- demo.py / bench.py: what scripts/demo and scripts/bench run.
"""
