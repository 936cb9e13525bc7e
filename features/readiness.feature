Feature: Getting ready: an honest look, the bar for the next level, a solid foundation
  Before chasing a promotion, a person should know where they stand, what the next
  level asks for, and have no open gaps in the current role. Until the foundation is
  solid, asking is held back.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                                | value        |
      | as_of                               | 2026-11-24   |
      | role_start_date                     | 2024-05-06   |
      | scope_change                        | expanded     |
      | self_assessment_done                | true         |
      | self_assessment_date                | 2026-10-01   |
      | performance_gaps                    | []           |
      | meets_all_responsibilities          | true         |
      | informal_review_done                | true         |
      | feedback_unclear                    | false        |
      | leveling_criteria                   | [scope, impact, leadership] |
      | criteria_self_rating                | {scope: met, impact: partial, leadership: met} |
      | target_title                        | Lab manager  |
      | target_value_aligned_with_org_goals | true         |
      | target_role_tried                   | liked        |
      | target_role_is_management           | true         |
      | leadership_evidence                 | true         |

  Scenario: Someone who has done the groundwork gets no readiness advice
    When they ask for advice
    Then the advice does not include "readiness.self-assessment"
    And the advice does not include "readiness.informal-review"
    And the advice does not include "readiness.know-leveling-criteria"
    And the advice does not include "readiness.gap-analysis-vs-criteria"
    And the advice does not include "readiness.role-fit-soft-skills"
    And the advice does not include "stage.foundation-first"
    And the stage is "step_up"

  Scenario: No self-assessment yet: write one, and the foundation comes first
    Given a person with these facts:
      | fact                 | value |
      | self_assessment_done | false |
      | self_assessment_date |       |
    When they ask for advice
    Then the stage is "foundation"
    And "stage.foundation-first" is ranked 1
    And "readiness.self-assessment" is ranked 2

  Scenario: A self-assessment from five months ago is due again
    Given a person with these facts:
      | fact                 | value      |
      | self_assessment_date | 2026-06-20 |
    When they ask for advice
    Then the advice includes "readiness.self-assessment"
    And the text of "readiness.self-assessment" mentions "more than 4 months ago"

  Scenario: Open gaps without a plan: make each one a habit, in one focused cycle
    Given their performance gaps are:
      | area                   | kind          | status | plan                   |
      | presentation structure | communication | open   |                        |
      | process re-engineering | skill         | open   |                        |
      | warmth with reports    | reputation    | closed |                        |
      | manager relationship   | relationship  | open   | [small talk before 1:1s] |
    When they ask for advice
    Then the stage is "foundation"
    And "stage.foundation-first" is ranked 1
    And the text of "readiness.gaps-to-habits" mentions "2 open gaps have no plan yet"
    And the text of "stage.improvement-cycle" mentions "You have 3 open gaps"
    And "readiness.gaps-to-habits" comes before "stage.improvement-cycle"

  Scenario: An improvement cycle already four months old is over
    Given their performance gaps are:
      | area                   | status | plan               |
      | presentation structure | open   | [course, peer review] |
    And a person with these facts:
      | fact                    | value      |
      | improvement_cycle_start | 2026-07-20 |
    When they ask for advice
    Then the advice does not include "stage.improvement-cycle"
    And the advice does not include "readiness.gaps-to-habits"
    And the advice includes "stage.foundation-first"

  Scenario: Unsure how they are doing: ask for an informal review
    Given a person with these facts:
      | fact             | value |
      | feedback_unclear | true  |
    When they ask for advice
    Then the advice includes "readiness.informal-review"

  Scenario: No criteria for the next level yet
    Given a person with these facts:
      | fact                 | value |
      | leveling_criteria    | []    |
      | criteria_self_rating |       |
    When they ask for advice
    Then the advice includes "readiness.know-leveling-criteria"
    And the advice does not include "readiness.gap-analysis-vs-criteria"

  Scenario: Criteria known but not yet rated
    Given a person with these facts:
      | fact                 | value |
      | criteria_self_rating |       |
    When they ask for advice
    Then the advice includes "readiness.gap-analysis-vs-criteria"
    And the text of "readiness.gap-analysis-vs-criteria" mentions "You have 3 criteria"

  Scenario: A management target without leadership evidence holds back asking
    Given a person with these facts:
      | fact                | value |
      | leadership_evidence | false |
    When they ask for advice
    Then "readiness.role-fit-soft-skills" is ranked 1

  Scenario: An individual-contributor target needs no leadership evidence
    Given a person with these facts:
      | fact                      | value |
      | target_role_is_management | false |
      | leadership_evidence       | false |
    When they ask for advice
    Then the advice does not include "readiness.role-fit-soft-skills"

  Scenario: Not yet tried the target role
    Given a person with these facts:
      | fact              | value     |
      | target_role_tried | not_tried |
    When they ask for advice
    Then the advice includes "readiness.trial-run-target-role"

  Scenario: A target not yet tied to what the organisation needs
    Given a person with these facts:
      | fact                                | value |
      | target_value_aligned_with_org_goals | false |
    When they ask for advice
    Then the advice includes "readiness.align-value-with-org"

  Scenario: Advice for the person's stage comes before advice for later stages
    Given a person with these facts:
      | fact                 | value     |
      | self_assessment_done | false     |
      | self_assessment_date |           |
      | target_role_tried    | not_tried |
      | target_value_aligned_with_org_goals | false |
    When they ask for advice
    Then the stage is "foundation"
    And "readiness.align-value-with-org" comes before "readiness.trial-run-target-role"

  Scenario: A "no" given for the company's direction: look where the skill is still valued
    # S4 (You may need to consider other options): when the company moves away from what you
    # do best, look for where it still values the skill, in its current part or another.
    Given a person with these facts:
      | fact            | value      |
      | as_of           | 2026-10-01 |
      | role_start_date | 2023-05-02 |
    And their promotion requests are:
      | date       | outcome | stated_reason           | feedback_specific |
      | 2026-08-20 | denied  | structural              | false             |
    When they ask for advice
    Then the stage is "after_a_no"
    And "readiness.align-value-with-org" comes before "case.achievement-log-monthly"

  Scenario: A "no" for another reason does not bring the company's direction up
    Given a person with these facts:
      | fact            | value      |
      | as_of           | 2026-10-01 |
      | role_start_date | 2023-05-02 |
    And their promotion requests are:
      | date       | outcome | stated_reason  | feedback_specific |
      | 2026-08-20 | denied  | experience_gap | false             |
    When they ask for advice
    Then the stage is "after_a_no"
    And the advice does not include "readiness.align-value-with-org"
