Feature: When to consider leaving, and only after an honest look at yourself
  The sources disagree on how soon to look elsewhere; the leave_policy threshold
  decides (conservative, balanced or aggressive). Whatever the policy, leaving is
  never suggested before the person has reflected honestly and found no gaps of
  their own (the soul-search gate).

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2023-03-01 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-06-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | soul_search_done           | true       |
      | soul_search_found_gaps     | false      |
    And their achievements are:
      | title                    | date       | quantified |
      | Month-end close in 4 days | 2026-09-01 | true       |
      | Vendor costs down 12%    | 2026-07-14 | true       |
      | Audit with no findings   | 2026-05-02 | true       |
      | Forecast error halved    | 2026-02-20 | true       |
      | Two hires onboarded      | 2025-12-01 | true       |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2025-06-01 |

  Scenario: Refused three times while clearly excelling: look elsewhere, aiming one level up
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2025-03-10 | denied  | false             | true         |
      | 2025-10-06 | denied  | false             | true         |
      | 2026-06-01 | not_yet | false             | true         |
    When they ask for advice
    Then the stage is "considering_a_move"
    And the advice includes "leave.repeated-denials-while-excelling"
    And the text of "leave.repeated-denials-while-excelling" mentions "turned down 3 times"
    And "leave.repeated-denials-while-excelling" is ranked 1
    And "leave.repeated-vague-no" is held back by "leave.repeated-denials-while-excelling"
    And "escalate.patient-up-to-a-point" is held back by "leave.repeated-denials-while-excelling"
    And the advice includes "leave.target-next-level-externally"
    And "leave.target-next-level-externally" comes before "leave.competing-offer-test"
    And the advice includes "leave.sell-the-flywheel-work"
    And the advice includes "leave.stay-open-nonlinear"
    And "signal.unquestionably-excelling" fires
    And "signal.leave-trigger-excelling-refused" fires
    And "signal.leave-trigger-vague-no" fires
    And "signal.leave-trigger-any" fires
    And "signal.soul-search-clean" fires
    And "signal.leave-considered" fires
    And "stage.considering-a-move" fires

  Scenario: Without an honest reflection, no advice to leave, whatever happened
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2025-03-10 | denied  | false             | true         |
      | 2025-10-06 | denied  | false             | true         |
      | 2026-06-01 | not_yet | false             | true         |
    And a person with these facts:
      | fact             | value |
      | soul_search_done | false |
    When they ask for advice
    Then "signal.leave-trigger-excelling-refused" fires
    But "leave.repeated-denials-while-excelling" does not fire
    And "leave.repeated-vague-no" does not fire
    And the advice does not include "leave.target-next-level-externally"
    And the advice includes "escalate.soul-search"
    And "escalate.patient-up-to-a-point" is not held back

  Scenario: A reflection that found gaps of their own keeps the advice on closing them
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2025-03-10 | denied  | false             | true         |
      | 2025-10-06 | denied  | false             | true         |
      | 2026-06-01 | not_yet | false             | true         |
    And a person with these facts:
      | fact                   | value |
      | soul_search_found_gaps | true  |
    When they ask for advice
    Then "signal.soul-search-clean" does not fire
    And "leave.repeated-denials-while-excelling" does not fire
    And the stage is "make_the_case"

  Scenario: Two vague answers in a row are information under the balanced policy
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2025-10-06 | denied  | false             | true         |
      | 2026-06-01 | not_yet | false             | true         |
    When they ask for advice
    Then the advice includes "leave.repeated-vague-no"
    And the text of "leave.repeated-vague-no" mentions "2 answers in a row"
    And the advice does not include "leave.repeated-denials-while-excelling"

  Scenario: A conservative coach does not count vague answers as a reason to leave
    Given the threshold "leave_policy" is "conservative"
    And their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2025-10-06 | denied  | false             | true         |
      | 2026-06-01 | not_yet | false             | true         |
    When they ask for advice
    Then "leave.repeated-vague-no" does not fire
    And the signal "leave_trigger_vague_no" is false
    And the stage is "make_the_case"

  Scenario: A refusal in a unit with heavy churn counts under every policy
    Given the threshold "leave_policy" is "conservative"
    And a person with these facts:
      | fact                          | value |
      | org.dysfunction.high_turnover | true  |
    And their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-05-04 | denied  | true              | true         |
    When they ask for advice
    Then the advice includes "leave.dysfunction-ceiling"
    And the text of "leave.dysfunction-ceiling" mentions "refusals since your last promotion: 1"
    And "signal.leave-trigger-dysfunction" fires

  Scenario: Criteria that moved twice say something about the company
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria_changed_vs_previous | plan_offered |
      | 2025-03-10 | not_yet | true              |                              | true         |
      | 2025-10-06 | not_yet | true              | true                         | true         |
      | 2026-06-01 | not_yet | true              | true                         | true         |
    When they ask for advice
    Then the advice includes "leave.moving-criteria"
    And the text of "leave.moving-criteria" mentions "changed 2 times"
    And "signal.leave-trigger-moving-criteria" fires

  Scenario: Eight months after an agreed plan, nothing has moved
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered | action_plan_agreed | plan_agreed_date | progress_since |
      | 2026-01-12 | not_yet | true              | true         | true               | 2026-02-01       | none           |
    When they ask for advice
    Then the advice includes "leave.no-progress-6-months"
    And the text of "leave.no-progress-6-months" mentions "8 months after the plan was agreed"
    And "signal.leave-trigger-no-progress" fires

  Scenario: Refused with no path offered
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-05-04 | denied  | true              | false        |
    When they ask for advice
    Then the advice includes "leave.no-plan-offered"
    And "signal.leave-trigger-no-plan" fires

  Scenario: One refusal with a plan offered is not a reason to leave under the balanced policy
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-05-04 | denied  | true              | true         |
    When they ask for advice
    Then "leave.no-plan-offered" does not fire
    And the stage is "make_the_case"

  Scenario: The aggressive policy counts a single refusal even when a plan was offered
    Given the threshold "leave_policy" is "aggressive"
    And their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-05-04 | denied  | true              | true         |
    When they ask for advice
    Then the advice includes "leave.no-plan-offered"
    And the stage is "considering_a_move"

  Scenario: Strong in skills this employer does not prize
    Given a person with these facts:
      | fact                       | value |
      | org.values_person_skillset | false |
    When they ask for advice
    Then the advice includes "leave.other-valued"
    And "signal.leave-trigger-other-valued" fires

  Scenario: Paid below the market for the current level
    Given a person with these facts:
      | fact                      | value |
      | current_comp              | 61000 |
      | market_rate_current_level | 70000 |
    When they ask for advice
    Then the advice includes "leave.undervalued"
    And "signal.leave-trigger-undervalued" fires

  Scenario: Paid at the market rate, with room to grow: no reason to look elsewhere
    Given a person with these facts:
      | fact                      | value |
      | current_comp              | 72000 |
      | market_rate_current_level | 70000 |
      | growth_blocked            | false |
    When they ask for advice
    Then "leave.undervalued" does not fire
    And the signal "leave_trigger_undervalued" is false

  Scenario: Someone already job hunting is told to lead with their next-level work
    Given a person with these facts:
      | fact               | value |
      | job_search_active  | true  |
    When they ask for advice
    Then the advice includes "leave.sell-the-flywheel-work"
    And the advice does not include "leave.target-next-level-externally"

  Scenario: An outside offer is a test of where they stand
    Given a person with these facts:
      | fact                | value      |
      | external_offer.date | 2026-09-20 |
    When they ask for advice
    Then the advice includes "leave.competing-offer-test"

  Scenario: Someone who tried the target role and disliked it is told careers rarely go straight up
    Given a person with these facts:
      | fact              | value    |
      | target_role_tried | disliked |
    When they ask for advice
    Then the advice includes "leave.stay-open-nonlinear"

  Scenario: Even the aggressive policy waits for the honest reflection
    Given the threshold "leave_policy" is "aggressive"
    And a person with these facts:
      | fact             | value |
      | soul_search_done | false |
    And their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-05-04 | denied  | true              | true         |
    When they ask for advice
    Then "signal.leave-trigger-no-plan" fires
    But "leave.no-plan-offered" does not fire
    And the signal "leave_considered" is false
    And the advice includes "escalate.soul-search"
