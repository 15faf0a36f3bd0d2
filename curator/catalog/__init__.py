"""The catalog: resources.yaml's schema, loading and validation, sync and export."""

from curator.catalog.load import load_catalog
from curator.catalog.schema import Catalog, GuideSpec, ResourceSpec, SectionSpec

__all__ = ["Catalog", "GuideSpec", "ResourceSpec", "SectionSpec", "load_catalog"]
