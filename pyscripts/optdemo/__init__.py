"""The Python side of optdemo: loading workloads, comparing results, the
memory pass and the helpers the C host calls into."""
