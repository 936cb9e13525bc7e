Feature: Building the case: evidence with numbers, a written pitch, supporters
  A strong case is built over months: a log of results with numbers, each tied to the
  bar for the next level, a written pitch in five parts, and people ready to speak up.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                         | value      |
      | as_of                        | 2026-09-15 |
      | role_start_date              | 2025-01-06 |
      | scope_change                 | expanded   |
      | self_assessment_done         | true       |
      | self_assessment_date         | 2026-08-01 |
      | performance_gaps             | []         |
      | meets_all_responsibilities   | true       |
      | informal_review_done         | true       |
      | setbacks                     | []         |
      | manager_visibly_stressed     | false      |
      | manager_relationship         | strong     |
      | has_mentor                   | true       |
      | achievement_log_last_updated | 2026-09-01 |
      | leveling_criteria            | [scope, impact] |
      | criteria_self_rating         | {scope: met, impact: met} |
      | org.company_freeze           | false      |
      | org.hiring_freeze            | false      |
      | org.financial_difficulty     | false      |
      | org.next_review_start        | 2027-01-11 |
      | case_document.format         | memo       |
      | case_document.components     | [current_role, above_beyond, impact, ask, forward_looking] |
      | case_document.forward_looking_framing | org |
    And their achievements are:
      | title                   | date       | quantified | criteria |
      | Close cut to 5 days     | 2026-01-15 | true       | [impact] |
      | Forecast error down 18% | 2025-12-02 | true       | [impact] |
      | Churn report automated  | 2025-11-11 | true       | [scope]  |
      | Two analysts onboarded  | 2025-10-20 | true       | [scope]  |
      | Pricing test worth 120k | 2025-10-01 | true       | [impact] |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2025-11-01 |
    And their people are:
      | name            | strength   | stance     | can_influence | already_advocating |
      | Her manager     | strong     | champion   | true          | true               |
      | Head of finance | meaningful | supportive | true          | false              |
      | Product lead    | meaningful | supportive | true          | true               |

  Scenario: A complete case gets only the advice for making the request
    When they ask for advice
    Then the stage is "make_the_case"
    And the advice includes "case.equip-your-manager"
    And the advice includes "relationships.ask-for-good-word"
    And the text of "relationships.ask-for-good-word" mentions "1 of your supporters"
    And the advice does not include "case.achievement-log-monthly"
    And the advice does not include "case.quantified-results-5-10"
    And the advice does not include "case.quantify-or-describe-impact"
    And the advice does not include "case.map-to-next-level"
    And the advice does not include "case.five-components"
    And the advice does not include "case.forward-looking-roi"
    And the advice does not include "case.put-it-in-writing"
    And the advice does not include "relationships.sponsor-count-2-3"
    And the advice does not include "relationships.vet-endorsers"

  Scenario: A log not updated for two months
    Given a person with these facts:
      | fact                         | value      |
      | achievement_log_last_updated | 2026-07-10 |
    When they ask for advice
    Then the advice includes "case.achievement-log-monthly"

  Scenario: Only four results with numbers
    Given their achievements are:
      | title                   | date       | quantified | criteria |
      | Close cut to 5 days     | 2026-01-15 | true       | [impact] |
      | Forecast error down 18% | 2025-12-02 | true       | [impact] |
      | Churn report automated  | 2025-11-11 | true       | [scope]  |
      | Two analysts onboarded  | 2025-10-20 | true       | [scope]  |
      | Ran the team offsite    | 2025-10-01 | false      | [scope]  |
    When they ask for advice
    Then the text of "case.quantified-results-5-10" mentions "You have 4 results with numbers"
    And the text of "case.quantify-or-describe-impact" mentions "1 recent result has no number"
    And the advice does not include "relationships.ask-for-good-word"

  Scenario: Results not yet tied to the criteria
    Given their achievements are:
      | title                   | date       | quantified |
      | Close cut to 5 days     | 2026-01-15 | true       |
      | Forecast error down 18% | 2025-12-02 | true       |
      | Churn report automated  | 2025-11-11 | true       |
      | Two analysts onboarded  | 2025-10-20 | true       |
      | Pricing test worth 120k | 2025-10-01 | true       |
    When they ask for advice
    Then the text of "case.map-to-next-level" mentions "5 recent results are not yet linked to the criteria for the next level (2 criteria)"

  Scenario: A case missing parts, ending with what the person gains
    Given a person with these facts:
      | fact                                  | value                  |
      | case_document.components              | [current_role, impact] |
      | case_document.forward_looking_framing | self                   |
    When they ask for advice
    Then the text of "case.five-components" mentions "covers 2 of the five parts"
    And the advice includes "case.forward-looking-roi"

  Scenario: Ready, with nothing written yet
    Given a person with these facts:
      | fact                     | value |
      | case_document.exists     | false |
      | case_document.format     |       |
      | case_document.components |       |
      | case_document.forward_looking_framing | |
    When they ask for advice
    Then the advice includes "case.put-it-in-writing"
    And the advice does not include "case.five-components"

  Scenario: A formal organisation gets a memo that can travel
    Given a person with these facts:
      | fact          | value  |
      | org.formality | formal |
    When they ask for advice
    Then the advice includes "case.format-for-audience"
    And the advice does not include "case.format-for-audience-informal"

  Scenario: A small informal organisation gets lunch plus an email
    Given a person with these facts:
      | fact              | value    |
      | org.formality     | informal |
      | org.approval_path | manager  |
    When they ask for advice
    Then the advice includes "case.format-for-audience-informal"
    And the advice does not include "case.format-for-audience"
    And the advice does not include "timing.avoid-casual-setting"

  Scenario: Not working above the level yet: sketch the pitch anyway
    Given their above level activities are:
      | kind           |
      | higher_caliber |
    And a person with these facts:
      | fact                     | value |
      | case_document.exists     | false |
      | case_document.format     |       |
      | case_document.components |       |
      | case_document.forward_looking_framing | |
    When they ask for advice
    Then the stage is "step_up"
    And the advice includes "case.draft-early-as-diagnostic"
    And the advice does not include "case.put-it-in-writing"

  Scenario: A case resting on years of service
    Given a person with these facts:
      | fact                                | value |
      | case_document.tenure_or_effort_only | true  |
    When they ask for advice
    Then the advice includes "case.no-tenure-or-effort-argument"

  Scenario: One supporter is short of sponsors
    Given their people are:
      | name        | strength | stance   | can_influence |
      | Her manager | strong   | champion | true          |
      | A peer      | weak     | supportive | true        |
    When they ask for advice
    Then the text of "relationships.sponsor-count-2-3" mentions "speak up for you, with a real relationship, influence and no risk of backfiring: 1 so far"
    And the text of "relationships.vet-endorsers" mentions "Of the supportive people you listed, 1 is not the right one to ask"
    And the text of "relationships.vet-endorsers" mentions "Leave a peer out rather than put them in an awkward position"
    And the advice includes "relationships.dig-the-well-early"
    And the advice does not include "relationships.ask-for-good-word"

  Scenario: A weak relationship with the manager
    Given a person with these facts:
      | fact                 | value |
      | manager_relationship | weak  |
    When they ask for advice
    Then the advice includes "relationships.invest-in-manager"
    And the advice includes "relationships.dig-the-well-early"

  Scenario: Leaning on connections with a thin record
    Given a person with these facts:
      | fact                     | value |
      | relying_on_relationships | true  |
    And their achievements are:
      | title               | date       | quantified |
      | Close cut to 5 days | 2026-01-15 | true       |
    When they ask for advice
    Then the advice includes "relationships.endorsement-tips-not-carries"

  Scenario: Leaning on connections with a strong record is fine
    Given a person with these facts:
      | fact                     | value |
      | relying_on_relationships | true  |
    When they ask for advice
    Then the advice does not include "relationships.endorsement-tips-not-carries"

  Scenario: No mentor yet
    Given a person with these facts:
      | fact       | value |
      | has_mentor | false |
    When they ask for advice
    Then the advice includes "relationships.mentor-via-helping"

  Scenario: A freeze holds back asking supporters to speak up, but not the preparation
    Given a person with these facts:
      | fact              | value |
      | org.hiring_freeze | true  |
    When they ask for advice
    Then "relationships.ask-for-good-word" is held back by "timing.avoid-freeze"
    And the advice includes "case.equip-your-manager"

  Scenario: Routine duties in the accomplishments list are moved to the opening paragraph
    Given a person with these facts:
      | fact                                | value |
      | case_document.accomplishment_items  | [{text: Led the pricing test, above_role: true}, {text: Ran the monthly close, above_role: false}, {text: Answered audit queries, above_role: false}] |
    When they ask for advice
    Then the advice includes "case.above-role-items-only"
    And the text of "case.above-role-items-only" mentions "2 items in your accomplishments list are simply your job"

  Scenario: A list of only what goes beyond the job needs no trimming
    Given a person with these facts:
      | fact                                | value |
      | case_document.accomplishment_items  | [{text: Led the pricing test, above_role: true}, {text: Mentored two analysts, above_role: true}] |
    When they ask for advice
    Then the advice does not include "case.above-role-items-only"
