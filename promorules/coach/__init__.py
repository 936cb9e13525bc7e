"""The coach's tools: lint, handbook, effective layers, ruleset diff and Gherkin scenarios."""
