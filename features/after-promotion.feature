Feature: After a promotion: settle in, then go round again
  The first year in a new role is for excelling in it and starting a fresh log of
  results. After that, the same cycle starts again: step up, then build the case.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                         | value      |
      | as_of                        | 2026-09-15 |
      | role_start_date              | 2026-05-11 |
      | last_promotion_date          | 2026-05-11 |
      | scope_change                 | expanded   |
      | self_assessment_done         | true       |
      | performance_gaps             | []         |
      | meets_all_responsibilities   | true       |
      | setbacks                     | []         |
      | achievement_log_last_updated | 2026-09-01 |
      | above_level_activities       | []         |
      | manager_visibly_stressed     | false      |
      | org.company_freeze           | false      |
      | org.hiring_freeze            | false      |
      | org.financial_difficulty     | false      |

  Scenario: Four months after a promotion, the first year is for excelling in the new role
    When they ask for advice
    Then the stage is "new_in_role"
    And "after.crush-new-role-first-year" is ranked 1
    And "after.crush-new-role-first-year" is dated 2027-05-11
    And the text of "after.crush-new-role-first-year" mentions "You were promoted on 2026-05-11"
    And the text of "after.crush-new-role-first-year" mentions "can wait until 2027-05-11"
    And "timing.avoid-under-12-months" is held back by "after.crush-new-role-first-year"
    And the advice includes "after.share-and-lift-others"
    And the advice does not include "after.restart-evidence-log"
    And the advice does not include "after.step-up-again"
    And the advice does not include "after.repeat-the-cycle"

  Scenario: Four months after a promotion, preparing the next request waits for the year
    Given a person with these facts:
      | fact                 | value |
      | self_assessment_done | false |
    When they ask for advice
    Then "readiness.self-assessment" is held back by "after.crush-new-role-first-year"

  Scenario: Promoted in place four months ago and ready to ask again: the request waits
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2025-01-06 |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2026-06-01 |
    And their achievements are:
      | title                   | date       | quantified |
      | Close cut to 5 days     | 2026-07-15 | true       |
      | Forecast error down 18% | 2026-06-02 | true       |
      | Churn report automated  | 2026-03-11 | true       |
      | Two analysts onboarded  | 2025-12-20 | true       |
      | Pricing test worth 120k | 2025-11-01 | true       |
    And their people are:
      | name            | strength   | stance     | can_influence |
      | Her manager     | strong     | champion   | true          |
      | Head of finance | meaningful | supportive | true          |
    When they ask for advice
    Then "after.crush-new-role-first-year" is ranked 1
    And "conversation.request-dedicated-meeting" is held back by "after.crush-new-role-first-year"
    And "timing.already-doing-next-level" is held back by "after.crush-new-role-first-year"
    And the advice does not include "after.repeat-the-cycle"

  Scenario: A log not touched since the promotion needs a fresh start in the new role
    Given a person with these facts:
      | fact                         | value      |
      | achievement_log_last_updated | 2026-03-01 |
    When they ask for advice
    Then the advice includes "after.restart-evidence-log"
    And "after.crush-new-role-first-year" comes before "after.restart-evidence-log"

  Scenario: In the first weeks after a promotion, start the new log straight away
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2026-08-24 |
      | last_promotion_date | 2026-08-24 |
    When they ask for advice
    Then the advice includes "after.restart-evidence-log"
    And the advice includes "after.crush-new-role-first-year"

  Scenario: A year after the promotion, the settling-in advice stops
    Given a person with these facts:
      | fact                         | value      |
      | role_start_date              | 2025-08-11 |
      | last_promotion_date          | 2025-08-11 |
      | achievement_log_last_updated | 2025-06-01 |
    When they ask for advice
    Then the advice does not include "after.crush-new-role-first-year"
    And the advice does not include "after.restart-evidence-log"

  Scenario: A year into the new role and not yet working above it: start stepping up again
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2025-08-11 |
      | last_promotion_date | 2025-08-11 |
    When they ask for advice
    Then the stage is "step_up"
    And the advice includes "after.step-up-again"
    And the advice does not include "after.repeat-the-cycle"

  Scenario: A year on, solid and already working above the level: go round the cycle again
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2025-08-11 |
      | last_promotion_date | 2025-08-11 |
    And their above level activities are:
      | kind             | started    |
      | lead_within_role | 2026-03-01 |
    When they ask for advice
    Then the stage is "make_the_case"
    And the advice includes "after.repeat-the-cycle"
    And the advice does not include "after.step-up-again"

  Scenario: A year on and working above the level, but with open gaps: the foundation comes first
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2025-08-11 |
      | last_promotion_date | 2025-08-11 |
    And their above level activities are:
      | kind             | started    |
      | lead_within_role | 2026-03-01 |
    And their performance gaps are:
      | area                   | status |
      | presentation structure | open   |
    When they ask for advice
    Then the advice does not include "after.repeat-the-cycle"
    And the advice includes "stage.foundation-first"

  Scenario: Still in the first year, even while working above the level: no new cycle yet
    Given their above level activities are:
      | kind             | started    |
      | lead_within_role | 2026-08-01 |
    When they ask for advice
    Then the advice does not include "after.repeat-the-cycle"
    And the advice does not include "after.step-up-again"
    And the advice includes "after.crush-new-role-first-year"

  Scenario: Never promoted, but solid in the role: share the method and lift others
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2024-05-06 |
      | last_promotion_date |            |
    When they ask for advice
    Then the advice includes "after.share-and-lift-others"
    And the advice does not include "after.crush-new-role-first-year"

  Scenario: Never promoted and still closing gaps: lifting others can wait
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2024-05-06 |
      | last_promotion_date |            |
    And their performance gaps are:
      | area                   | status |
      | presentation structure | open   |
    When they ask for advice
    Then the advice does not include "after.share-and-lift-others"
