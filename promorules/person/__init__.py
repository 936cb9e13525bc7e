"""The person's commands: explain a rule, draft a case, interview for missing facts."""
