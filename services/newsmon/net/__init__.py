"""Requests newsmon makes on a user's behalf (webhook and Slack targets now, feeds and pages later).

A rule's author chooses the URL, so every such request goes through one outbound policy
(:mod:`newsmon.net.policy`, pure checks) enforced where the connection is made
(:mod:`newsmon.net.client`): otherwise a rule could turn the worker into a proxy to
Elasticsearch, its own API or a cloud metadata service. docs/security.md, "Outbound requests".
"""
