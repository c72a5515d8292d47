"""etcd: the MVCC key-value store that holds all cluster state, its leases and its durability."""

from .durable import DurableStore, open_store
from .errors import (CompactedError, CorruptError, DuplicateKeyError, EtcdError, FutureRevisionError,
                     LeaseExistsError, LeaseNotFoundError, LeaseTTLTooLargeError, StoppedError)
from .lease import MIN_LEASE_TTL, Lease, LeaseTimeToLive
from .mvcc import Compare, KeyValue, MVCCStore, WatchEvent, prefix_end
from .linearizability import Operation, check_history, is_linearizable
from .raft import Entry, MemoryStorage, Message, ProposalDroppedError, RaftNode, Ready
from .raft_network import MemberStatus, RaftNetwork
from .snapshot import load_state, load_state_metadata, save_state

__all__ = ["MVCCStore", "KeyValue", "WatchEvent", "Compare", "prefix_end", "EtcdError", "CompactedError",
           "FutureRevisionError", "LeaseNotFoundError", "LeaseExistsError", "LeaseTTLTooLargeError",
           "DuplicateKeyError", "StoppedError", "CorruptError", "Lease", "LeaseTimeToLive", "MIN_LEASE_TTL",
           "DurableStore", "open_store", "save_state", "load_state", "load_state_metadata",
           "RaftNode", "Ready", "Message", "Entry", "MemoryStorage", "ProposalDroppedError", "RaftNetwork",
           "MemberStatus", "Operation", "check_history", "is_linearizable"]
