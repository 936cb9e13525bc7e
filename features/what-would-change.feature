Feature: What would change the advice, and when
  A person told "not yet" wants to know exactly what stands in the way. For each
  piece of "ask now" advice that waits, the advice names the smallest change of
  facts that would unlock it, and the date when time alone will do it.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-11-24 |
      | role_start_date            | 2025-01-06 |
      | scope_change               | expanded   |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-10-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | manager_visibly_stressed   | false      |
      | org.company_freeze         | false      |
      | org.hiring_freeze          | false      |
      | org.financial_difficulty   | false      |
      | org.next_review_start      | 2027-01-11 |
      | promotion_requests         | []         |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2026-01-05 |
    And their achievements are:
      | title                   | date       | quantified |
      | Close cut to 4 days     | 2026-10-01 | true       |
      | Costs down 12%          | 2026-09-01 | true       |
      | Clean audit             | 2026-08-01 | true       |
      | Forecast error halved   | 2026-07-01 | true       |
      | Two analysts onboarded  | 2026-06-01 | true       |

  Scenario: One sponsor short is told exactly that
    Given their people are:
      | name        | strength | stance   | can_influence |
      | Her manager | strong   | champion | true          |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And "conversation.request-dedicated-meeting" would be unlocked by changing only "sponsor_count"
    And "conversation.request-dedicated-meeting" would be unlocked by "sponsor_count" going from 1 to 2
    And what would change the advice mentions "sponsors ready to speak up: 1 now, needs 2 or more (1 more)"

  Scenario: Two supporters, and nothing stands in the way of asking
    Given their people are:
      | name        | strength   | stance     | can_influence |
      | Her manager | strong     | champion   | true          |
      | Head of ops | meaningful | supportive | true          |
    When they ask for advice
    Then the advice includes "conversation.request-dedicated-meeting"
    And nothing near would unlock any held-back advice
    And the dated plan includes "review cycle" on 2027-01-11

  Scenario: Eight months in the role: time alone unlocks the request, on the day of the first year
    Given a person with these facts:
      | fact            | value      |
      | role_start_date | 2026-03-16 |
      | scope_change    | none       |
    And their people are:
      | name        | strength   | stance     | can_influence |
      | Her manager | strong     | champion   | true          |
      | Head of ops | meaningful | supportive | true          |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And "timing.avoid-under-12-months" is ranked 1
    And "conversation.request-dedicated-meeting" would be unlocked by time on 2027-03-16
    And the dated plan includes "12 months in the role on" on 2027-03-16

  Scenario: A hiring freeze is the one thing in the way
    Given a person with these facts:
      | fact              | value |
      | org.hiring_freeze | true  |
    And their people are:
      | name        | strength   | stance     | can_influence |
      | Her manager | strong     | champion   | true          |
      | Head of ops | meaningful | supportive | true          |
    When they ask for advice
    Then "relationships.ask-for-good-word" would be unlocked by changing only "freeze_active"
    And "relationships.ask-for-good-word" would be unlocked by "freeze_active" going from true to false

  Scenario: Open gaps and a missing sponsor are both named as what stands in the way
    Given their performance gaps are:
      | area                | opened     |
      | Reports often late  | 2026-07-01 |
      | Weak presentations  | 2026-07-01 |
    And their people are:
      | name        | strength | stance   | can_influence |
      | Her manager | strong   | champion | true          |
    When they ask for advice
    Then the stage is "foundation"
    And what would change the advice mentions "open performance gaps: 2 now"
