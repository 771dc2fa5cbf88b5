"""The network model: concepts, schemas, loading, validation and the graph view."""

from valuechain.network.builder import NetworkBuilder
from valuechain.network.io import find_network, list_networks, load_network, network_dirs, save_network
from valuechain.network.model import PERIODS, Network
from valuechain.network.schema import KEYS, TABLES, schema_frame, schema_markdown
from valuechain.network.validate import baseline_imbalance, hub_id

__all__ = [
    "KEYS",
    "PERIODS",
    "TABLES",
    "Network",
    "NetworkBuilder",
    "baseline_imbalance",
    "find_network",
    "hub_id",
    "list_networks",
    "load_network",
    "network_dirs",
    "save_network",
    "schema_frame",
    "schema_markdown",
]
