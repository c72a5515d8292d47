"""kube-scheduler: the scheduling framework, queue, cache, in-tree plugins and ``explain``.

upstream: pkg/scheduler (v1.32). ``Scheduler(ctx, config)`` then ``start()``; pods whose
``spec.schedulerName`` names one of the configured profiles are scheduled.

Layout (upstream file in brackets):

- ``framework/interface.py`` Status, Code, extension-point signatures [framework/interface.go]
- ``framework/cycle_state.py`` CycleState [framework/cycle_state.go]
- ``framework/types.py`` PodInfo, NodeInfo, Diagnosis, FitError [framework/types.go]
- ``framework/runtime.py`` the per-profile framework [framework/runtime/framework.go]
- ``config.py`` KubeSchedulerConfiguration v1 [apis/config/v1, apis/config/validation]
- ``queue.py`` activeQ / backoffQ / unschedulable pods, nominator [internal/queue/scheduling_queue.go]
- ``cache.py`` NodeInfos, assumed pods, node tree [internal/cache]
- ``scheduler.py`` the scheduling and binding cycles, event handlers, ``explain``
  [scheduler.go, schedule_one.go, eventhandlers.go]
- ``plugins/`` one module per in-tree plugin [framework/plugins/*]

k8slab simplifications (each also said where it applies): the volume plugins always Skip
(no PersistentVolumes are served); preemption does not consult PodDisruptionBudgets, and
the default spreading selector comes from a pod's controlling ReplicaSet only (upstream also
uses its Services, ReplicationControllers and StatefulSets); Permit's Wait is not modelled;
scheduler extenders, DynamicResources and in-place resize are not modelled; ties between
equally scored nodes are broken with one draw from the component's seeded random stream.
"""

from .config import ConfigError, load_config
from .scheduler import Scheduler

__all__ = ["Scheduler", "ConfigError", "load_config"]
