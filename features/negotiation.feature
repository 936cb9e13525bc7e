Feature: Pay and terms: knowing your worth, and negotiating once the promotion is approved
  A promotion that is approved while the terms are still open is a chance to negotiate
  title, pay and responsibilities. That takes knowing the market rate, a minimum you
  will accept, and a written ask that names every term.

  Background:
    Given the default ruleset
    And a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-09-15 |
      | role_start_date            | 2024-03-04 |
      | scope_change               | expanded   |
      | self_assessment_done       | true       |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | setbacks                   | []         |
      | promotion_approved         | true       |
      | terms_final                | false      |
      | terms_negotiable           | true       |
      | comp_in_ask                | true       |
      | current_comp               | 82000      |
      | market_rate_next_level     | 98000      |
      | walk_away_number           | 90000      |
      | negotiation_experience     | medium     |
    And their promotion requests are:
      | date       | outcome  |
      | 2026-09-01 | approved |

  Scenario: Approved, with the terms still open: negotiate them now
    When they ask for advice
    Then the stage is "negotiating"
    And "negotiate.negotiate-after-approval" is ranked 1
    And "signal.pay-open" fires
    And the advice does not include "negotiate.know-market-rate"
    And the advice does not include "negotiate.walk-away-number"
    And the advice does not include "negotiate.study-negotiation"

  Scenario: Title and pay already fixed: there is nothing left to negotiate
    Given a person with these facts:
      | fact        | value |
      | terms_final | true  |
    When they ask for advice
    Then the advice does not include "negotiate.negotiate-after-approval"

  Scenario: Terms the company will not move on get no push to negotiate
    Given a person with these facts:
      | fact             | value |
      | terms_negotiable | false |
    When they ask for advice
    Then the stage is "negotiating"
    And the advice does not include "negotiate.negotiate-after-approval"

  Scenario: Approved without knowing what the next level pays, or the lowest figure to accept
    Given a person with these facts:
      | fact                   | value |
      | market_rate_next_level |       |
      | walk_away_number       |       |
    When they ask for advice
    Then "negotiate.negotiate-after-approval" is ranked 1
    And "negotiate.know-market-rate" is ranked 2
    And "negotiate.walk-away-number" is ranked 3

  Scenario: Pay is part of the request, before any approval: research the market first
    Given a person with these facts:
      | fact                   | value |
      | promotion_approved     |       |
      | terms_final            |       |
      | terms_negotiable       |       |
      | market_rate_next_level |       |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice includes "negotiate.know-market-rate"
    And the advice does not include "negotiate.negotiate-after-approval"

  Scenario: Pay is part of the request, before any approval: decide your minimum first
    Given a person with these facts:
      | fact               | value |
      | promotion_approved |       |
      | terms_final        |       |
      | terms_negotiable   |       |
      | walk_away_number   |       |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice includes "negotiate.walk-away-number"
    And the advice does not include "negotiate.know-market-rate"

  Scenario: Not yet approved and pay not part of the ask: no pay research needed yet
    Given a person with these facts:
      | fact                   | value |
      | promotion_approved     | false |
      | terms_final            |       |
      | terms_negotiable       |       |
      | comp_in_ask            | false |
      | market_rate_next_level |       |
      | walk_away_number       |       |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice does not include "negotiate.know-market-rate"
    And the advice does not include "negotiate.walk-away-number"

  Scenario: An approved promotion and little negotiating experience: prepare with good material
    Given a person with these facts:
      | fact                   | value |
      | negotiation_experience | low   |
    When they ask for advice
    Then the advice includes "negotiate.study-negotiation"
    And "negotiate.negotiate-after-approval" comes before "negotiate.study-negotiation"

  Scenario: Asking for more pay with little negotiating experience, before any approval
    Given a person with these facts:
      | fact                   | value |
      | promotion_approved     |       |
      | terms_final            |       |
      | terms_negotiable       |       |
      | negotiation_experience | low   |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice includes "negotiate.study-negotiation"

  Scenario: A seasoned negotiator gets no reading list
    Given a person with these facts:
      | fact                   | value |
      | negotiation_experience | high  |
    When they ask for advice
    Then the advice does not include "negotiate.study-negotiation"

  Scenario: Little negotiating experience, but no pay talk and no approval yet: no reading list
    Given a person with these facts:
      | fact                   | value |
      | promotion_approved     | false |
      | terms_final            |       |
      | terms_negotiable       |       |
      | comp_in_ask            | false |
      | negotiation_experience | low   |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice does not include "negotiate.study-negotiation"

  Scenario: A written ask that names only the title and the pay
    Given a person with these facts:
      | fact                    | value           |
      | promotion_approved      |                 |
      | terms_final             |                 |
      | terms_negotiable        |                 |
      | case_document.exists    | true            |
      | case_document.ask_terms | [title, salary] |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice includes "negotiate.name-terms-in-ask"
    And the text of "negotiate.name-terms-in-ask" mentions "Your written ask spells out 2 of the four terms"

  Scenario: A written ask that names title, pay, benefits and responsibilities is complete
    Given a person with these facts:
      | fact                    | value                                      |
      | promotion_approved      |                                            |
      | terms_final             |                                            |
      | terms_negotiable        |                                            |
      | case_document.exists    | true                                       |
      | case_document.ask_terms | [title, salary, benefits, responsibilities] |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice does not include "negotiate.name-terms-in-ask"

  Scenario: With nothing written yet there is no ask whose terms to check
    Given a person with these facts:
      | fact                 | value |
      | promotion_approved   |       |
      | terms_final          |       |
      | terms_negotiable     |       |
      | case_document.exists | false |
    And their promotion requests are:
      | date | outcome |
    When they ask for advice
    Then the advice does not include "negotiate.name-terms-in-ask"

  Scenario: Terms that cannot be negotiated need no pay research or reading list
    Given a person with these facts:
      | fact                   | value |
      | terms_negotiable       | false |
      | market_rate_next_level |       |
      | walk_away_number       |       |
      | negotiation_experience | low   |
    When they ask for advice
    Then the signal "pay_open" is false
    And the advice does not include "negotiate.know-market-rate"
    And the advice does not include "negotiate.walk-away-number"
    And the advice does not include "negotiate.study-negotiation"
