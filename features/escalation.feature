Feature: After a "no": take it well, get specifics, turn them into a plan
  A refusal is information. First a few weeks to take it in, then a gracious
  conversation that ends with specific criteria, a date and a plan in writing.
  Patience is advised, up to a point.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-06-03 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-07-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | manager_relationship       | ok         |
      | effort_trend               | steady     |
      | frustrated                 | false      |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2026-01-10 |

  Scenario: Told "no" eleven days ago: take a few weeks before the next step
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-09-20 | denied  | false             | true         |
    When they ask for advice
    Then the stage is "after_a_no"
    And the advice includes "escalate.accept-and-process"
    And the text of "escalate.accept-and-process" mentions "The answer came 11 days ago"
    And "escalate.accept-and-process" is dated 2026-10-11
    And "signal.told-no-last" fires
    And the advice includes "escalate.dont-disengage"
    And the advice includes "escalate.patient-up-to-a-point"
    But the advice does not include "escalate.thank-and-recommit"

  Scenario: After the first weeks it is time to reopen the conversation graciously
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered | feedback_meeting_held |
      | 2026-08-20 | not_yet | false             | true         | false                 |
    When they ask for advice
    Then the stage is "after_a_no"
    And the advice includes "escalate.thank-and-recommit"
    And the advice does not include "escalate.accept-and-process"

  Scenario: Once the feedback meeting has happened, there is no need to reopen it
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered | feedback_meeting_held |
      | 2026-08-20 | not_yet | false             | true         | true                  |
    When they ask for advice
    Then the advice does not include "escalate.thank-and-recommit"

  Scenario: A vague answer gets a kind, direct question about what must change
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-08-20 | denied  | false             | true         |
    When they ask for advice
    Then the advice includes "escalate.ask-specific-criteria"
    And the advice does not include "escalate.action-plan-with-buy-in"

  Scenario: A manager who already refused to give specifics is not asked again
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria_requested | manager_declined_meaningful_feedback |
      | 2026-08-20 | denied  | false             | true               | true                                 |
    When they ask for advice
    Then the advice does not include "escalate.ask-specific-criteria"

  Scenario: A specific answer needs no second question, but a plan the manager signs up to
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria                         | plan_offered | action_plan_agreed |
      | 2026-08-20 | denied  | true              | [lead a launch, own the budget]  | true         | false              |
    When they ask for advice
    Then the advice does not include "escalate.ask-specific-criteria"
    And the advice includes "escalate.action-plan-with-buy-in"
    And the advice includes "escalate.restart-flywheel"

  Scenario: Criteria without a date: ask by when, and confirm it in writing
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria                        | timeline_given | summarised_in_writing | plan_offered |
      | 2026-08-20 | not_yet | true              | [lead a launch, own the budget] | false          | false                 | true         |
    When they ask for advice
    Then the advice includes "escalate.ask-timeline"
    And the text of "escalate.ask-timeline" mentions "You were given 2 criteria to meet: lead a launch; own the budget"
    And the advice includes "escalate.get-it-in-writing"

  Scenario: Criteria with a date to revisit, confirmed by email, need neither step
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria        | timeline_given | revisit_date | summarised_in_writing | plan_offered |
      | 2026-08-20 | not_yet | true              | [lead a launch] | true           | 2027-02-01   | true                  | true         |
    When they ask for advice
    Then the advice does not include "escalate.ask-timeline"
    And the advice does not include "escalate.get-it-in-writing"

  Scenario: An agreed plan means going round the cycle again, aiming at it
    Given their promotion requests are:
      | date       | outcome | feedback_specific | criteria        | timeline_given | revisit_date | summarised_in_writing | plan_offered | action_plan_agreed | plan_agreed_date |
      | 2026-05-04 | not_yet | true              | [lead a launch] | true           | 2027-02-01   | true                  | true         | true               | 2026-05-20       |
    When they ask for advice
    Then the advice includes "escalate.restart-flywheel"
    And the advice does not include "escalate.action-plan-with-buy-in"
    And the advice includes "escalate.patient-up-to-a-point"

  Scenario: A manager who will not give real feedback means building more standing first
    Given their promotion requests are:
      | date       | outcome | manager_declined_meaningful_feedback | plan_offered |
      | 2026-08-20 | denied  | true                                 | true         |
    When they ask for advice
    Then the advice includes "escalate.no-feedback-means-groundwork"

  Scenario: A "no" for budget reasons points at causes outside the person's control
    Given their promotion requests are:
      | date       | outcome | stated_reason | feedback_specific | plan_offered |
      | 2026-08-20 | denied  | budget        | false             | true         |
    When they ask for advice
    Then the advice includes "escalate.check-structural-blockers"

  Scenario: A "no" for performance reasons is not blamed on the structure
    Given their promotion requests are:
      | date       | outcome | stated_reason | feedback_specific | plan_offered |
      | 2026-08-20 | denied  | performance   | true              | true         |
    And a person with these facts:
      | fact                   | value |
      | manager_not_advocating | false |
    When they ask for advice
    Then the advice does not include "escalate.check-structural-blockers"

  Scenario: A manager who is not pushing the case is a blocker worth weighing, even before asking
    Given a person with these facts:
      | fact                   | value |
      | manager_not_advocating | true  |
    When they ask for advice
    Then the advice includes "escalate.check-structural-blockers"

  Scenario: No path offered and no reflection yet: look inward before drawing conclusions
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-08-20 | denied  | false             | false        |
    When they ask for advice
    Then the advice includes "escalate.soul-search"
    And the signal "soul_search_clean" is unknown

  Scenario: After an honest reflection the soul-search advice is not repeated
    Given their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered |
      | 2026-08-20 | denied  | false             | false        |
    And a person with these facts:
      | fact                   | value |
      | soul_search_done       | true  |
      | soul_search_found_gaps | true  |
    When they ask for advice
    Then the advice does not include "escalate.soul-search"

  Scenario: Frustration without any refusal still gets the warning about effort
    Given a person with these facts:
      | fact         | value     |
      | effort_trend | declining |
    When they ask for advice
    Then the advice includes "escalate.dont-disengage"
    And the advice does not include "escalate.patient-up-to-a-point"

  Scenario: Steady effort and no refusal: no warning about disengaging
    When they ask for advice
    Then the advice does not include "escalate.dont-disengage"
