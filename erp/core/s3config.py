"""The botocore client settings of every bucket, in a module the settings can import (no Django)."""

from botocore.config import Config


def s3_client_config(*, connect_timeout: float, read_timeout: float, max_attempts: int) -> Config:
    """Fail fast when the bucket server is down or slow: a clear 503, never a hung worker."""
    return Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"max_attempts": max_attempts, "mode": "standard"},
        s3={"addressing_style": "path"},
        signature_version="s3v4",
    )
