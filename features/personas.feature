Feature: The example people get the advice a coach would give them
  Each person in examples/ is one of the personas of the guidance catalogue
  (section 6). These scenarios pin down their stage and their top three
  recommendations; where the ruleset's order differs from the catalogue's, the
  scenario says why.

  Scenario: P1, Claire on her first visit: make the current role rock-solid first
    # The catalogue's first item (self-assessment, then one cycle on the gaps) is our
    # second; our first is the stage's own framing rule, which says to set the
    # promotion aside for now. The catalogue's third (the monthly log) comes sixth,
    # after the manager relationship and the leveling criteria, which the catalogue
    # folds into its second item.
    Given the person described in "examples/claire-first-visit.yaml"
    When they ask for advice
    Then the stage is "foundation"
    And the top three are "stage.foundation-first", "readiness.self-assessment" and "readiness.informal-review"
    And "conversation.request-dedicated-meeting" does not fire
    And "leave.repeated-vague-no" does not fire
    And the advice includes "case.achievement-log-monthly"
    # They told us they are frustrated: the same advice to keep effort up now speaks to
    # that frustration (S0's frustration-and-effort cycle), under its own id.
    And the advice includes "escalate.frustration-heard"
    And the advice does not include "escalate.dont-disengage"
    And the advice includes "stage.ask-dont-wait"
    And the missing facts include "soul_search_done"
    And the missing facts include "performance_gaps"

  Scenario: P2, Claire ready to ask: write the case, line up supporters, book the meeting
    Given the person described in "examples/claire-ready-to-ask.yaml"
    When they ask for advice
    Then the stage is "make_the_case"
    And "signal.ready-to-ask" fires
    And the top three are "case.put-it-in-writing", "relationships.ask-for-good-word" and "conversation.request-dedicated-meeting"
    And the text of "relationships.ask-for-good-word" mentions "2 of your supporters"
    And the advice includes "timing.review-season"
    And "timing.review-season" is dated 2027-07-05

  Scenario: P3, Claire at a ceiling: refused three times in a troubled unit
    # The catalogue's first item names the dysfunction and the repeated refusals
    # together: we lead with the refusals while excelling (S0's own test) and list
    # the dysfunction as held back by it. Its third item (keep performing) ranks
    # lower here, after the concrete steps of a move.
    Given the person described in "examples/claire-at-a-ceiling.yaml"
    When they ask for advice
    Then the stage is "considering_a_move"
    And the top three are "leave.repeated-denials-while-excelling", "leave.target-next-level-externally" and "leave.sell-the-flywheel-work"
    And "leave.dysfunction-ceiling" is held back by "leave.repeated-denials-while-excelling"
    And "escalate.patient-up-to-a-point" is held back by "leave.dysfunction-ceiling"
    # They told us they are frustrated: the same advice to keep effort up now speaks to
    # that frustration (S0's frustration-and-effort cycle), under its own id.
    And the advice includes "escalate.frustration-heard"
    And the advice does not include "escalate.dont-disengage"
    And the advice includes "leave.competing-offer-test"
    And the advice includes "escalate.check-structural-blockers"

  Scenario: P5, Priya in a hiring freeze: hold the request, agree the conditions, keep building
    # The catalogue's third item (keep the log going) needs nothing here: her log is
    # up to date. Preparing her manager to argue for her when the freeze lifts comes
    # third instead.
    Given the person described in "examples/priya-hiring-freeze.yaml"
    When they ask for advice
    Then the stage is "make_the_case"
    And the top three are "timing.avoid-freeze", "conversation.pushback-budget" and "case.equip-your-manager"
    And "conversation.request-dedicated-meeting" is held back by "timing.avoid-freeze"
    And "relationships.ask-for-good-word" is held back by "timing.avoid-freeze"

  Scenario: P6, Marcus after three vague "not yet"s: look outside, one level up
    # The catalogue leads with the vague answers, corroborated by the refusals while
    # excelling and the moving criteria. We lead with the refusals while excelling,
    # the strongest of the three, and list the other two as held back by it. The
    # competing-offer test comes fourth, after presenting his next-level work.
    Given the person described in "examples/marcus-three-vague-no.yaml"
    When they ask for advice
    Then the stage is "considering_a_move"
    And the top three are "leave.repeated-denials-while-excelling", "leave.target-next-level-externally" and "leave.sell-the-flywheel-work"
    And "leave.repeated-vague-no" is held back by "leave.repeated-denials-while-excelling"
    And "leave.moving-criteria" is held back by "leave.repeated-denials-while-excelling"
    And "escalate.no-feedback-means-groundwork" is held back by "leave.repeated-vague-no"
    And "leave.competing-offer-test" is ranked 4
    # They told us they are frustrated: the same advice to keep effort up now speaks to
    # that frustration (S0's frustration-and-effort cycle), under its own id.
    And the advice includes "escalate.frustration-heard"
    And the advice does not include "escalate.dont-disengage"

  Scenario: P8, Sam just promoted: negotiate while the terms are open, then settle in
    Given the person described in "examples/sam-just-promoted.yaml"
    When they ask for advice
    Then the stage is "negotiating"
    And the top three are "negotiate.negotiate-after-approval", "after.crush-new-role-first-year" and "after.restart-evidence-log"
    And the advice includes "negotiate.know-market-rate"
    And the advice includes "negotiate.walk-away-number"

  Scenario: P8 variant, terms already final: settling in comes first
    Given the person described in "examples/sam-just-promoted.yaml"
    And a person with these facts:
      | fact        | value |
      | terms_final | true  |
    When they ask for advice
    Then the stage is "new_in_role"
    And "after.crush-new-role-first-year" is ranked 1
    And the advice does not include "negotiate.negotiate-after-approval"
