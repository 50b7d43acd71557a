"""The benchmark of issue 7: see bench/README.md."""
