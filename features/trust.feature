Feature: Advice a person can trust: the moment's advice first, and never two things at odds
  The first few recommendations are what a person reads and acts on. The stage's
  own advice and any reason to wait come before habits that fit every stage
  (docs/rulesets.md, "The order of the advice"); advice the ruleset declares as
  contradicting is never shown side by side (ruleset.yaml, pairs:).

  Scenario: Claire on her first visit: the foundation's own steps come before the habits
    # Knowing the next level's bar (S1, S3) and sketching the pitch to see what is
    # missing (S0) are what the foundation stage is for; strengthening the
    # relationship with the manager and keeping a monthly log are habits for every
    # stage (S1, S3) and come after them.
    Given the person described in "examples/claire-first-visit.yaml"
    When they ask for advice
    Then "readiness.know-leveling-criteria" comes before "relationships.invest-in-manager"
    And "case.draft-early-as-diagnostic" comes before "case.achievement-log-monthly"
    And "escalate.patient-up-to-a-point" comes before "relationships.dig-the-well-early"

  Scenario: Priya in a freeze: the reason to wait leads, with what to do about the freeze, then the habits
    # S3 "Bad timing": hold the formal request during a freeze; S3 "Handle pushback
    # on timing": agree the criteria and a date. The monthly log (S1, S3) is a
    # habit and comes after what the freeze calls for.
    Given the person described in "examples/priya-hiring-freeze.yaml"
    When they ask for advice
    Then "timing.avoid-freeze" is ranked 1
    And "conversation.pushback-budget" comes before "case.achievement-log-monthly"
    And "readiness.know-leveling-criteria" comes before "case.achievement-log-monthly"
    And "conversation.request-dedicated-meeting" is held back by "timing.avoid-freeze"
