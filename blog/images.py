"""Kept for migration 0001, which names this module's validator: the pipeline is media.pipeline."""

from media.pipeline import validate_image_upload

__all__ = ["validate_image_upload"]
