Feature: Advice a person can trust: short, dated right, never asking for what was given, in their words

  Scenario: Contradiction: after a refusal to give feedback, nothing asks for feedback again
    # S0 (Gather feedback): a manager who will not give real feedback is a sign to build
    # standing first; asking again what it would take contradicts that on the same page.
    Given a person with these facts:
      | fact                 | value      |
      | as_of                | 2026-10-01 |
      | role_start_date      | 2024-09-02 |
      | informal_review_done | false      |
    And their promotion requests are:
      | date       | outcome | manager_declined_meaningful_feedback | feedback_specific | feedback_meeting_held |
      | 2026-07-01 | not_yet | true                                 | false             | false                 |
    When they ask for advice
    Then the advice includes "escalate.no-feedback-means-groundwork"
    And the advice does not include "escalate.ask-specific-criteria"
    And the advice does not include "escalate.thank-and-recommit"
    And the advice does not include "readiness.informal-review"

  Scenario: Contradiction: once criteria and a revisit date are given, nobody is told to ask for them
    # S3 (If the answer is no): ask what to demonstrate, by when, and when to revisit. Once
    # all three are answered, asking again is asking for what was given.
    Given a person with these facts:
      | fact            | value      |
      | as_of           | 2026-10-01 |
      | role_start_date | 2024-09-02 |
    And their promotion requests are:
      | date       | outcome | feedback_specific | criteria               | timeline_given | revisit_date | feedback_meeting_held |
      | 2026-06-01 | denied  | true              | [lead the migration]   | true           | 2027-01-15   | false                 |
    When they ask for advice
    Then the advice includes "escalate.wait-for-revisit-date"
    And the advice does not include "escalate.ask-specific-criteria"
    And the advice does not include "escalate.ask-timeline"
    And the advice does not include "escalate.ask-revisit-date"
    And the advice does not include "escalate.thank-and-recommit"

  Scenario: Off-by-one dates: the day shown is the first day the setback no longer holds the request
    Given a person with these facts:
      | fact            | value      |
      | as_of           | 2026-03-01 |
      | role_start_date | 2024-01-01 |
    And their setbacks are:
      | date       |
      | 2026-02-01 |
    When they ask for advice
    Then "timing.avoid-after-setback" is dated 2026-04-03
    And the earliest day to ask is 2026-04-03

  Scenario: Too long to act on: the first screen is the advice for this moment
    Given the person described in "examples/claire-first-visit.yaml"
    When they ask for advice
    Then the advice shows at most 5 recommendations in full in at most 80 lines

  Scenario: The engine's language: what would change reads in the person's words
    Given the person described in "examples/priya-hiring-freeze.yaml"
    When they ask for advice
    Then what would change the advice mentions "days until the review cycle starts: 118 now, 56 or fewer from 2026-11-16"
    And what would change the advice never mentions "review_lead_days"
    And what would change the advice never mentions "less"

  Scenario: The engine's language: Tell us more asks the basics first, and nothing about leaving before a refusal
    Given a person with these facts:
      | fact               | value      |
      | as_of              | 2026-10-01 |
      | promotion_requests | []         |
    When they ask for advice
    Then the first missing fact is "role_start_date"
    And the missing facts do not include "soul_search_done"
    And the missing facts do not include "soul_search_found_gaps"

  Scenario: Stage limits: the informal review is advice for someone making the case too
    # S0 (Why This Stage Matters): even someone already excelling should hold the review.
    Given the person described in "examples/claire-ready-to-ask.yaml"
    And a person with these facts:
      | fact                 | value |
      | informal_review_done | false |
    When they ask for advice
    Then the stage is "make_the_case"
    And the advice includes "readiness.informal-review"

  Scenario: Facts recorded and then ignored: a target tried and disliked is no longer pursued
    # S0 (Try it out before you commit): trying the role and disliking it is the answer;
    # pushing the same target on is what the trial was meant to prevent.
    Given the person described in "examples/claire-ready-to-ask.yaml"
    And a person with these facts:
      | fact              | value    |
      | target_role_tried | disliked |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And the advice does not include "case.put-it-in-writing"

  Scenario: Facts recorded and then ignored: an unaddressed setback is dealt with first, whatever else
    # Catalogue: address the issue first; S0 (coaching article): acting visibly on criticism
    # shows you take it seriously. The setback is older than the cool-down, so only its being
    # unaddressed holds the request.
    Given the person described in "examples/claire-ready-to-ask.yaml"
    And their setbacks are:
      | date       | kind              | addressed |
      | 2027-03-01 | critical_feedback | false |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And the advice does not include "relationships.ask-for-good-word"

  Scenario: Ready to ask ignores an open refusal: specific criteria not yet met hold the fresh request
    # S1 and S3 (If the answer is no): go back to the start of the cycle aimed at the criteria,
    # and ask "if I hit these, when could we revisit?"; the fresh request waits for them.
    Given the person described in "examples/claire-ready-to-ask.yaml"
    And their promotion requests are:
      | date       | outcome | feedback_specific | criteria           | action_plan_agreed |
      | 2027-05-20 | not_yet | true              | [Lead the Q3 launch] | false            |
    When they ask for advice
    Then the advice does not include "conversation.request-dedicated-meeting"
    And the advice does not include "conversation.direct-opening"
