"""The noderesources plugins: NodeResourcesFit and NodeResourcesBalancedAllocation.

upstream: pkg/scheduler/framework/plugins/noderesources.
"""
