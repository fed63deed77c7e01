"""What several commands share: the configuration they were pointed at."""

import argparse

from app.core.config_files import Config, load_config, resolve_config_path


def config_of(args: argparse.Namespace) -> Config:
    return load_config(resolve_config_path(args.config))
