Feature: Where a person is in the promotion cycle, and the advice for that stage
  The cycle runs: build the foundation, step up, make the case, await the decision,
  and then negotiate, settle into the new role, or regroup after a "no" (perhaps
  considering a move). Advice that fits the person's stage comes first.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-09-02 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-08-03 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | target_role_exists         | true       |
      | boss_territorial           | false      |
      | capacity_constrained       | false      |
      | strategy                   | active     |
      | achievements               | []         |
      | promotion_requests         | []         |
    And their above level activities are:
      | kind | started |

  Scenario: Solid in the role but not yet above it: stepping up comes first
    When they ask for advice
    Then the stage is "step_up"
    And "stage.step-up" fires
    And "signal.foundation-solid" fires
    And the signal "performing_above_level" is false
    And "stage.step-up-before-asking" is ranked 1
    And the advice includes "stage.stepup-create-value-beyond-role"
    And the advice includes "stage.stepup-take-piece-of-next-job"
    And the advice includes "stage.stepup-lead-within-role"
    And the advice includes "stage.stepup-skill-exchange"
    And the advice includes "stage.stepup-mentor-others"
    And the advice includes "stage.stepup-visibility"
    And the advice includes "stage.dont-linger-when-solid"
    But the advice does not include "stage.stepup-carve-out-role"
    And the advice does not include "stage.stepup-support-your-boss"
    And the advice does not include "stage.foundation-first"

  Scenario: Competing with others for the role makes stepping up a must
    Given a person with these facts:
      | fact                 | value |
      | org.target_contested | true  |
    When they ask for advice
    Then the advice includes "stage.step-up-essential-when-contested"
    And "stage.step-up-before-asking" comes before "stage.step-up-essential-when-contested"

  Scenario: A traditional organisation with no rivals for the role does not need the warning
    Given a person with these facts:
      | fact                            | value |
      | org.target_contested            | false |
      | org.traditional_low_competition | true  |
    When they ask for advice
    Then the advice does not include "stage.step-up-essential-when-contested"

  Scenario: The role they want does not exist yet: carve it out
    Given a person with these facts:
      | fact               | value |
      | target_role_exists | false |
    When they ask for advice
    Then the advice includes "stage.stepup-carve-out-role"
    And the advice does not include "stage.stepup-take-piece-of-next-job"

  Scenario: A territorial boss: help in smaller ways instead of taking over duties
    Given a person with these facts:
      | fact             | value |
      | boss_territorial | true  |
    When they ask for advice
    Then the advice includes "stage.stepup-support-your-boss"
    And the advice does not include "stage.stepup-take-piece-of-next-job"

  Scenario: A culture that does not invite initiative needs no permission to do more
    Given a person with these facts:
      | fact                              | value |
      | org.culture_encourages_initiative | false |
    When they ask for advice
    Then the advice includes "stage.no-permission-needed"

  Scenario: Where initiative is welcome, the reassurance is not needed
    Given a person with these facts:
      | fact                              | value |
      | org.culture_encourages_initiative | true  |
    When they ask for advice
    Then the advice does not include "stage.no-permission-needed"

  Scenario: Open gaps put the person in the foundation stage, with one focused cycle
    Given their performance gaps are:
      | area                     | opened     |
      | Reports often late       | 2026-07-01 |
      | Weak at stakeholder asks | 2026-07-01 |
    When they ask for advice
    Then the stage is "foundation"
    And "stage.foundation-first" is ranked 1
    And the advice includes "stage.improvement-cycle"
    And the text of "stage.improvement-cycle" mentions "You have 2 open gaps"
    And the advice does not include "stage.step-up-before-asking"

  Scenario: Working above the level already: time to make the case
    Given their above level activities are:
      | kind               | started    |
      | mentoring          | 2026-02-02 |
      | lead_within_role   | 2026-03-02 |
      | cross_functional   | 2026-04-06 |
    When they ask for advice
    Then the stage is "make_the_case"
    And "stage.make-the-case" fires
    And "signal.performing-above-level" fires
    And "signal.tenure-ok" fires
    And the advice includes "stage.ask-dont-wait"
    And the advice does not include "stage.step-up-before-asking"
    And the advice does not include "stage.dont-linger-when-solid"
    And the advice does not include "stage.stepup-mentor-others"
    And the advice does not include "stage.stepup-visibility"

  Scenario: Everything in place, months from the review: ready to ask
    Given their above level activities are:
      | kind      | started    |
      | mentoring | 2026-02-02 |
    And their achievements are:
      | title                 | date       | quantified |
      | Close in 4 days       | 2026-09-01 | true       |
      | Costs down 12%        | 2026-07-14 | true       |
      | Clean audit           | 2026-05-02 | true       |
      | Forecast error halved | 2026-02-20 | true       |
      | Two hires onboarded   | 2025-12-01 | true       |
    And their people are:
      | name         | strength | stance   | can_influence |
      | Her manager  | strong   | champion | true          |
      | Head of ops  | strong   | champion | true          |
    And a person with these facts:
      | fact                  | value      |
      | org.next_review_start | 2026-11-02 |
    When they ask for advice
    Then "signal.ready-to-ask" fires
    And "signal.in-review-window" fires

  Scenario: Waiting to be noticed is named for what it is, whatever the stage
    Given a person with these facts:
      | fact     | value              |
      | strategy | wait_to_be_noticed |
    When they ask for advice
    Then the advice includes "stage.ask-dont-wait"

  Scenario: A pending request: keep performing while the decision is made
    Given their promotion requests are:
      | date       | outcome |
      | 2026-09-14 | pending |
    When they ask for advice
    Then the stage is "awaiting_decision"
    And "stage.awaiting-decision" fires
    And "stage.keep-performing-while-pending" is ranked 1

  Scenario: A recent "no" puts the person after a no
    Given their promotion requests are:
      | date       | outcome | feedback_specific |
      | 2026-09-14 | denied  | false             |
    When they ask for advice
    Then the stage is "after_a_no"
    And "stage.after-a-no" fires

  Scenario: A "no" more than 90 days ago with an agreed plan is behind them
    Given their promotion requests are:
      | date       | outcome | feedback_specific | action_plan_agreed | plan_agreed_date |
      | 2026-05-04 | denied  | true              | true               | 2026-05-20       |
    When they ask for advice
    Then the stage is "step_up"
    And "stage.after-a-no" does not fire

  Scenario: Approved, and the terms are still open: negotiate
    Given their promotion requests are:
      | date       | outcome  |
      | 2026-09-14 | approved |
    And a person with these facts:
      | fact               | value |
      | promotion_approved | true  |
      | terms_final        | false |
    When they ask for advice
    Then the stage is "negotiating"
    And "stage.negotiating" fires

  Scenario: Promoted three months ago: settle into the new role
    Given a person with these facts:
      | fact                | value      |
      | role_start_date     | 2026-07-01 |
      | last_promotion_date | 2026-07-01 |
    When they ask for advice
    Then the stage is "new_in_role"
    And "stage.new-in-role" fires
