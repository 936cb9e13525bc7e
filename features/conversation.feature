Feature: The conversation itself, and answers to the usual push-back
  Someone ready to ask books a meeting just for it, asks plainly and comes prepared.
  When the answer is "no" or "not yet", each usual reason gets its own next step.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                                      | value      |
      | as_of                                     | 2026-09-15 |
      | role_start_date                           | 2025-01-06 |
      | scope_change                              | expanded   |
      | self_assessment_done                      | true       |
      | performance_gaps                          | []         |
      | meets_all_responsibilities                | true       |
      | setbacks                                  | []         |
      | manager_visibly_stressed                  | false      |
      | remote                                    | false      |
      | manager_onsite                            | true       |
      | hinting_only                              | false      |
      | promotion_requests                        | []         |
      | case_document.exists                      | true       |
      | org.company_freeze                        | false      |
      | org.hiring_freeze                         | false      |
      | org.financial_difficulty                  | false      |
      | org.next_review_start                     | 2027-01-11 |
      | org.recently_promoted_someone_into_target | false      |
    And their achievements are:
      | title                   | date       | quantified |
      | Close cut to 5 days     | 2026-01-15 | true       |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2025-11-01 |
    And their people are:
      | name            | strength   | stance     | can_influence |
      | Her manager     | strong     | champion   | true          |
      | Head of finance | meaningful | supportive | true          |
      | Product lead    | meaningful | supportive | true          |

  Scenario: Someone ready to ask books a meeting just for it and asks plainly
    When they ask for advice
    Then the stage is "make_the_case"
    And the advice includes "conversation.request-dedicated-meeting"
    And the advice includes "conversation.ask-directly"
    And the advice includes "conversation.direct-opening"
    And "conversation.request-dedicated-meeting" comes before "conversation.direct-opening"
    And the advice does not include "conversation.in-person-preferred"
    And the advice does not include "conversation.execute-professionally"
    And the advice does not include "conversation.plan-before-asking"
    And the advice does not include "conversation.pushback-budget"
    And the advice does not include "conversation.pushback-experience"
    And the advice does not include "conversation.pushback-someone-else-promoted"

  Scenario: Someone not ready yet is not told how to run the meeting
    Given their achievements are:
      | title                   | date       | quantified |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    And a person with these facts:
      | fact           | value |
      | remote         | true  |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And the advice does not include "conversation.direct-opening"
    And the advice does not include "conversation.ask-directly"
    And the advice does not include "conversation.in-person-preferred"

  Scenario: Someone who has only hinted is told to ask plainly, even before the case is ready
    Given their achievements are:
      | title                   | date       | quantified |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    And a person with these facts:
      | fact         | value |
      | hinting_only | true  |
    When they ask for advice
    Then the advice includes "conversation.ask-directly"
    And the advice does not include "conversation.request-dedicated-meeting"

  Scenario: Someone who has asked before, plainly, needs no reminder to ask directly
    Given their promotion requests are:
      | date       | outcome  | stated_reason | plan_offered | action_plan_agreed |
      | 2025-03-03 | not_yet  | timing        | true         | true               |
    When they ask for advice
    Then the advice does not include "conversation.ask-directly"
    And the advice includes "conversation.request-dedicated-meeting"

  Scenario: A freeze holds back booking the meeting, and turns the talk to criteria and a date
    Given a person with these facts:
      | fact              | value |
      | org.hiring_freeze | true  |
    When they ask for advice
    Then "conversation.request-dedicated-meeting" is held back by "timing.avoid-freeze"
    And "conversation.direct-opening" is held back by "timing.avoid-freeze"
    And the advice includes "conversation.pushback-budget"
    And "timing.avoid-freeze" comes before "conversation.pushback-budget"

  Scenario: A freeze for someone not yet ready brings no budget script, since there is no request to make
    Given their achievements are:
      | title                   | date       | quantified |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    And a person with these facts:
      | fact               | value |
      | org.company_freeze | true  |
    When they ask for advice
    Then the advice includes "timing.avoid-freeze"
    And the advice does not include "conversation.pushback-budget"

  Scenario: A manager who works from another site means picking a day they are in
    Given a person with these facts:
      | fact           | value |
      | manager_onsite | false |
    When they ask for advice
    Then the advice includes "conversation.in-person-preferred"

  Scenario: Someone working remotely is told to use video rather than the phone
    Given a person with these facts:
      | fact   | value |
      | remote | true  |
    When they ask for advice
    Then the advice includes "conversation.in-person-preferred"
    And "conversation.request-dedicated-meeting" comes before "conversation.in-person-preferred"

  Scenario: A meeting booked for two weeks from now: be on time, brief and thankful
    Given a person with these facts:
      | fact              | value      |
      | meeting_scheduled | 2026-09-29 |
    When they ask for advice
    Then the advice includes "conversation.execute-professionally"
    And "conversation.execute-professionally" is dated 2026-09-29
    And the text of "conversation.execute-professionally" mentions "Your meeting is on 2026-09-29"

  Scenario: A meeting booked for today still gets the reminder for the day
    Given a person with these facts:
      | fact              | value      |
      | meeting_scheduled | 2026-09-15 |
    When they ask for advice
    Then the advice includes "conversation.execute-professionally"

  Scenario: A meeting that has already taken place gets no reminder for the day
    Given a person with these facts:
      | fact              | value      |
      | meeting_scheduled | 2026-09-01 |
    When they ask for advice
    Then the advice does not include "conversation.execute-professionally"

  Scenario: A meeting booked with nothing written yet: plan the conversation first
    Given a person with these facts:
      | fact                 | value      |
      | meeting_scheduled    | 2026-09-29 |
      | case_document.exists | false      |
    When they ask for advice
    Then the advice includes "conversation.plan-before-asking"
    And "conversation.plan-before-asking" comes before "conversation.direct-opening"
    And the advice does not include "conversation.request-dedicated-meeting"

  Scenario: The review cycle is near and no case has been mentioned: plan the conversation
    Given a person with these facts:
      | fact                  | value      |
      | org.next_review_start | 2026-10-19 |
      | case_document         |            |
    When they ask for advice
    Then the advice includes "conversation.plan-before-asking"

  Scenario: A written case already in hand needs no reminder to plan
    Given a person with these facts:
      | fact              | value      |
      | meeting_scheduled | 2026-09-29 |
    When they ask for advice
    Then the advice does not include "conversation.plan-before-asking"

  Scenario: With no meeting booked and no review near, the planning reminder waits
    Given a person with these facts:
      | fact                 | value |
      | case_document.exists | false |
    When they ask for advice
    Then the advice does not include "conversation.plan-before-asking"

  Scenario: A "no" for lack of budget gets a plan, not a debate
    Given their promotion requests are:
      | date       | outcome | stated_reason |
      | 2026-09-01 | denied  | budget        |
    When they ask for advice
    Then the stage is "after_a_no"
    And "signal.recent-no" fires
    And the advice includes "conversation.pushback-budget"
    And the advice does not include "conversation.pushback-experience"
    And the advice does not include "conversation.pushback-someone-else-promoted"

  Scenario: "You need more experience": ask what good looks like and how to get there
    Given their promotion requests are:
      | date       | outcome | stated_reason  |
      | 2026-09-01 | not_yet | experience_gap |
    When they ask for advice
    Then the stage is "after_a_no"
    And the advice includes "conversation.pushback-experience"
    And the advice does not include "conversation.pushback-budget"

  Scenario: A "no" because someone else got the role: propose a six-month plan to be next
    Given their promotion requests are:
      | date       | outcome | stated_reason         |
      | 2026-09-01 | denied  | someone_else_promoted |
    When they ask for advice
    Then the advice includes "conversation.pushback-someone-else-promoted"
    And the text of "conversation.pushback-someone-else-promoted" mentions "a concrete 6-month plan"
    And "conversation.pushback-someone-else-promoted" is dated 2027-03-15
    And the advice does not include "conversation.pushback-experience"

  Scenario: Someone else was just promoted into the role they want, before they even asked
    Given a person with these facts:
      | fact                                      | value |
      | org.recently_promoted_someone_into_target | true  |
    When they ask for advice
    Then the advice includes "conversation.pushback-someone-else-promoted"
    And the text of "conversation.pushback-someone-else-promoted" mentions "6-month plan"

  Scenario: A budget "no" from two years ago no longer calls for the budget answer
    Given their promotion requests are:
      | date       | outcome | stated_reason |
      | 2024-09-02 | denied  | budget        |
    When they ask for advice
    Then the signal "recent_no" is false
    And the advice does not include "conversation.pushback-budget"

  Scenario: During a freeze nobody is pushed to ask, not even plainly
    Given a person with these facts:
      | fact              | value |
      | org.hiring_freeze | true  |
    When they ask for advice
    Then "conversation.ask-directly" is held back by "timing.avoid-freeze"
