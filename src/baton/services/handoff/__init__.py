"""The Sales → Customer Success handoff (playbook 003): gated close, CSM, notice, task, summary."""
