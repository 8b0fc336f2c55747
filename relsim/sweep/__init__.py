"""Batch sweeps: designs over scenario keys, replicated runs stored as they finish, resumable,
on a local process pool or a Dask cluster; summaries and sensitivity analysis on top."""
