"""The runner: batching, worker processes, progress, errors and persistence around the pure stages."""
