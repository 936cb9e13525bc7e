Feature: When to ask for a promotion, and when to wait
  Good moments to ask (after a win, in review season, while budgets are set, when you
  already do the job) are only advised to someone ready to ask. Bad moments (a freeze,
  a recent setback, less than a year in the role, a stressed manager) are gates: they
  say why to wait and until when, and hold back every "ask now" recommendation.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-09-15 |
      | role_start_date            | 2025-01-06 |
      | scope_change               | expanded   |
      | self_assessment_done       | true       |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | manager_visibly_stressed   | false      |
      | org.company_freeze         | false      |
      | org.hiring_freeze          | false      |
      | org.financial_difficulty   | false      |
      | org.next_review_start      | 2027-01-11 |
      | org.review_end             | 2027-02-26 |
    And their achievements are:
      | title                     | date       | quantified | above_role |
      | Close cut from 9 to 5 days | 2026-01-15 | true       | true       |
      | Forecast error down 18%    | 2025-12-02 | true       | true       |
      | Churn report automated     | 2025-11-11 | true       | false      |
      | Two analysts onboarded     | 2025-10-20 | true       | true       |
      | Pricing test worth 120k    | 2025-10-01 | true       | true       |
    And their above level activities are:
      | kind             | started    |
      | mentoring        | 2025-11-01 |
      | lead_within_role | 2025-12-01 |
    And their people are:
      | name           | strength   | stance     | can_influence |
      | Her manager    | strong     | champion   | true          |
      | Head of finance | meaningful | supportive | true          |
      | Product lead   | meaningful | supportive | true          |

  Scenario: Someone ready to ask, already doing the next job, with no review coming
    When they ask for advice
    Then the stage is "make_the_case"
    And "case.put-it-in-writing" is ranked 1
    And "case.put-it-in-writing" comes before "timing.already-doing-next-level"
    And the text of "timing.already-doing-next-level" mentions "2 kinds of it, with 5 measured results"
    And "timing.already-doing-next-level" comes before "timing.no-review-ask-soon"
    And "timing.no-review-ask-soon" is dated 2026-09-29

  Scenario: A hiring freeze holds back the request
    Given a person with these facts:
      | fact              | value |
      | org.hiring_freeze | true  |
    When they ask for advice
    Then "timing.avoid-freeze" is ranked 1
    And "timing.already-doing-next-level" is held back by "timing.avoid-freeze"
    And "timing.no-review-ask-soon" is held back by "timing.avoid-freeze"
    And the advice does not include "timing.already-doing-next-level"

  Scenario: A freeze beats even the review season
    Given a person with these facts:
      | fact                  | value      |
      | org.company_freeze    | true       |
      | org.next_review_start | 2026-10-01 |
    When they ask for advice
    Then "timing.review-season" is held back by "timing.avoid-freeze"

  Scenario: A setback 45 days ago means waiting until the cool-down is over
    Given their setbacks are:
      | date       | kind          |
      | 2026-08-01 | missed_target |
    When they ask for advice
    Then "timing.avoid-after-setback" is ranked 1
    And "timing.avoid-after-setback" is dated 2026-10-01
    And the text of "timing.avoid-after-setback" mentions "45 days ago"
    And "timing.already-doing-next-level" is held back by "timing.avoid-after-setback"

  Scenario: A setback 61 days ago no longer holds the request back
    Given their setbacks are:
      | date       | kind     |
      | 2026-07-16 | mistake  |
    When they ask for advice
    Then the advice does not include "timing.avoid-after-setback"
    And "timing.already-doing-next-level" is not held back
    And the advice includes "timing.already-doing-next-level"

  Scenario: Six months in the role is too early
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2026-03-02 |
      | scope_change    | none       |
    When they ask for advice
    Then "timing.avoid-under-12-months" is ranked 1
    And "timing.avoid-under-12-months" is dated 2027-03-02
    And the text of "timing.avoid-under-12-months" mentions "for 6 months"
    And the advice does not include "timing.already-doing-next-level"

  Scenario: Eleven months in the role is fine when the scope changed dramatically
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2025-10-01 |
      | scope_change    | dramatic   |
    When they ask for advice
    Then the advice does not include "timing.avoid-under-12-months"
    And the advice includes "timing.already-doing-next-level"

  Scenario: A role started on 31 January is eleven months old on 30 January
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2025-01-31 |
      | scope_change    | none       |
    When they ask for advice on 2026-01-30
    Then the advice includes "timing.avoid-under-12-months"
    And "timing.avoid-under-12-months" is dated 2026-01-31
    And the text of "timing.avoid-under-12-months" mentions "for 11 months"

  Scenario: A role started on 31 January is a year old on 31 January
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2025-01-31 |
      | scope_change    | none       |
    When they ask for advice on 2026-01-31
    Then the advice does not include "timing.avoid-under-12-months"
    And the advice includes "timing.already-doing-next-level"

  Scenario: A manager under visible pressure means checking again in two weeks
    Given a person with these facts:
      | fact                     | value |
      | manager_visibly_stressed | true  |
    When they ask for advice
    Then "timing.avoid-stressed-manager" is ranked 1
    And "timing.avoid-stressed-manager" is dated 2026-09-29
    And "timing.already-doing-next-level" is held back by "timing.avoid-stressed-manager"

  Scenario: Planning to ask in passing gets a caution, not a hold-back
    Given a person with these facts:
      | fact            | value  |
      | planned_setting | casual |
    When they ask for advice
    Then the advice includes "timing.avoid-casual-setting"
    And the text of "timing.avoid-casual-setting" mentions "The setting you plan for the request (casual) is not a meeting set up for it"
    And "timing.already-doing-next-level" is not held back

  Scenario: An arranged lunch is fine in an informal organisation
    Given a person with these facts:
      | fact            | value          |
      | planned_setting | lunch_arranged |
      | org.formality   | informal       |
    When they ask for advice
    Then the advice does not include "timing.avoid-casual-setting"

  Scenario: An arranged lunch is too casual in a formal organisation
    Given a person with these facts:
      | fact            | value          |
      | planned_setting | lunch_arranged |
      | org.formality   | formal         |
    When they ask for advice
    Then the advice includes "timing.avoid-casual-setting"

  Scenario: A visible win a month ago is a good moment to ask
    Given their achievements are:
      | title                      | date       | quantified | above_role | major_win | visible |
      | Launched the pricing tool  | 2026-08-16 | true       | true       | true      | true    |
      | Forecast error down 18%    | 2025-12-02 | true       | true       | false     |         |
      | Churn report automated     | 2025-11-11 | true       | false      | false     |         |
      | Two analysts onboarded     | 2025-10-20 | true       | true       | false     |         |
      | Pricing test worth 120k    | 2025-10-01 | true       | true       | false     |         |
    When they ask for advice
    Then the advice includes "timing.after-major-win"
    And "timing.after-major-win" is dated 2026-10-15
    And the text of "timing.after-major-win" mentions "30 days ago"
    And "timing.already-doing-next-level" comes before "timing.after-major-win"

  Scenario: A review cycle starting in 56 days is the moment to ask
    Given a person with these facts:
      | fact                  | value      |
      | org.next_review_start | 2026-11-10 |
    When they ask for advice
    Then the advice includes "timing.review-season"
    And "timing.review-season" is dated 2026-11-10
    And the advice does not include "timing.no-review-ask-soon"

  Scenario: A review cycle starting in 57 days is not close yet
    Given a person with these facts:
      | fact                  | value      |
      | org.next_review_start | 2026-11-11 |
    When they ask for advice
    Then the advice does not include "timing.review-season"
    And the advice includes "timing.no-review-ask-soon"

  Scenario: The first of October is budget season
    When they ask for advice on 2026-10-01
    Then the advice includes "timing.budget-allocation"

  Scenario: Three months after the company raised money is a time of budget allocation
    Given a person with these facts:
      | fact                  | value      |
      | org.last_funding_date | 2026-06-01 |
    When they ask for advice
    Then the advice includes "timing.budget-allocation"

  Scenario: Fifteen months in a role that has grown is the usual window
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2025-06-01 |
    When they ask for advice
    Then the advice includes "timing.tenure-window-with-scope"
    And the text of "timing.tenure-window-with-scope" mentions "15 months in the role"

  Scenario: Twenty months is past the usual window, which is no reason not to ask
    When they ask for advice
    Then the advice does not include "timing.tenure-window-with-scope"
    And the advice includes "timing.already-doing-next-level"

  Scenario: Someone with only four measured results is not told to ask yet
    Given their achievements are:
      | title                   | date       | quantified |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    When they ask for advice
    Then the advice does not include "timing.already-doing-next-level"
    And the advice does not include "timing.no-review-ask-soon"
    And the stage is "make_the_case"

  Scenario: Without a start date the rules cannot tell tenure, and say so
    Given a person with these facts:
      | fact            | value |
      | role_start_date |       |
    When they ask for advice
    Then the advice does not include "timing.avoid-under-12-months"
    And the advice does not include "timing.already-doing-next-level"
    And the missing facts include "role_start_date"

  Scenario: Someone who has told us nothing gets the foundation stage and a list of facts to give
    Given the default ruleset
    When they ask for advice on 2026-11-24 with no facts at all
    Then the stage is "foundation"
    And "readiness.self-assessment" is ranked 1
    And the advice does not include "timing.avoid-freeze"
    And the missing facts include "org.hiring_freeze"
