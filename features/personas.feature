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

  Scenario: P8, Sam's "Tell us more" is about the new role, not his readiness for the job he just won
    # S0 (Step into your new role and do it again): the first year is for the new role. What can
    # still change his advice comes first: a setback not dealt with (S0, Getting the Full Story),
    # then the relationships around the new role (S0, Tap into your relationships: dig the well
    # early). How ready he is for the promotion just approved (S0, Crush it in your current role)
    # is no question for him now; asked first, it told him the advice still hung on it.
    Given the person described in "examples/sam-just-promoted.yaml"
    When they ask for advice
    Then the first missing fact is "setbacks"

  # ---------------------------------------------------------------- new people, written from the sources
  # Each expectation below was written from the five sources before the ruleset was changed
  # for it; the comment cites the sections it rests on.

  Scenario: N1, Ana after a "no" with specific criteria and a deadline: aim at them, ask when to revisit
    # S3 (If the answer is no): ask what to demonstrate and by when, then "if I hit those
    # criteria, when could we revisit this?", and get it in writing. S0 (Gather feedback):
    # back to stage one, armed with the feedback. She knows the criteria and the deadline
    # (end of Q1), not the revisit date, and nothing is summarised yet. A fresh request waits.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-08-25 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
      | frustrated                 | false      |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2026-01-10 |
    And their promotion requests are:
      | date       | outcome | feedback_specific | criteria                                                       | timeline_given | criteria_deadline | summarised_in_writing | plan_offered |
      | 2026-08-10 | denied  | true              | [lead the billing migration, present the roadmap to the VPs] | true           | 2027-03-31        | false                 | true         |
    When they ask for advice
    Then the stage is "after_a_no"
    And the top three are "escalate.wait-for-criteria", "escalate.ask-revisit-date" and "escalate.get-it-in-writing"
    And the text of "escalate.wait-for-criteria" mentions "lead the billing migration; present the roadmap to the VPs"
    And "signal.open-refusal" fires
    And the advice does not include "escalate.ask-timeline"
    And the advice does not include "escalate.ask-specific-criteria"

  Scenario: N2, Ben after a vague "not yet" with no plan: reflect first, then ask for specifics
    # S4 (You may need to consider other options): with no plan offered, soul-search first.
    # S0 (Gather feedback), S1, S3 and S4 all say: reopen graciously and push for specifics;
    # "keep doing good work" is not an answer. One vague answer is not yet a pattern (S1, S3:
    # "repeatedly"), so nothing about leaving.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-09-02 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
    And their promotion requests are:
      | date       | outcome | feedback_specific | plan_offered | feedback_meeting_held |
      | 2026-08-03 | not_yet | false             | false        | false                 |
    When they ask for advice
    Then the stage is "after_a_no"
    And the top three are "escalate.soul-search", "escalate.thank-and-recommit" and "escalate.ask-specific-criteria"
    And the advice does not include "leave.repeated-vague-no"
    And the advice does not include "escalate.wait-for-criteria"

  Scenario: N3, Chen six months into a role whose scope changed dramatically: the tenure gate does not apply
    # S3 (Bad timing): under 12 months is bad timing unless the scope changed dramatically;
    # S3 (Good timing): already doing the next job is the strongest moment. S0 (Put it in
    # writing) first, then the meeting (S1, S3).
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2026-04-01 |
      | scope_change               | dramatic   |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
      | achievement_log_last_updated | 2026-09-28 |
    And their above level activities are:
      | kind             | started    |
      | next_role_duty   | 2026-05-01 |
      | cross_functional | 2026-05-01 |
    And their achievements are:
      | title                 | date       | quantified | above_role | criteria    |
      | Migration done        | 2026-09-01 | true       | true       | [ownership] |
      | Costs down 12%        | 2026-08-01 | true       | true       | [impact]    |
      | Two hires onboarded   | 2026-07-01 | true       | true       | [people]    |
      | Outage time halved    | 2026-06-01 | true       | true       | [ownership] |
      | Vendor deal saved 40k | 2026-05-15 | true       | true       | [impact]    |
    And their people are:
      | name  | relation | strength | stance   | can_influence |
      | Dana  | skip     | strong   | champion | true          |
      | Eli   | peer     | strong   | champion | true          |
    When they ask for advice
    Then the stage is "make_the_case"
    And "signal.ready-to-ask" fires
    And the advice does not include "timing.avoid-under-12-months"
    And the top three are "case.put-it-in-writing", "relationships.ask-for-good-word" and "conversation.request-dedicated-meeting"

  Scenario: N4, Dev tried managing and disliked it: drop that target, look at the IC track, stay open
    # S0 (Why Stepping Up Matters): stepping up is a trial of the role, and some people find
    # they do not like the job; the catalogue's note: drop the pursuit of that target. S0
    # (Consider making a change): rising up is rarely linear. His organisation has an IC track.
    Given a person with these facts:
      | fact                       | value               |
      | as_of                      | 2026-10-01          |
      | target_title               | Engineering manager |
      | target_role_is_management  | true                |
      | target_role_tried          | disliked            |
      | target_role_exists         | true                |
      | org.ic_track               | true                |
      | role_start_date            | 2024-01-08          |
      | self_assessment_done       | true                |
      | self_assessment_date       | 2026-09-01          |
      | performance_gaps           | []                  |
      | meets_all_responsibilities | true                |
      | informal_review_done       | true                |
      | setbacks                   | []                  |
      | leadership_evidence        | false               |
    And their above level activities are:
      | kind | started |
    When they ask for advice
    Then the stage is "step_up"
    And the top three are "readiness.target-tried-and-disliked", "readiness.consider-ic-track" and "leave.stay-open-nonlinear"
    And "signal.target-off" fires
    And "stage.step-up-before-asking" is held back by "readiness.target-tried-and-disliked"
    And "readiness.role-fit-soft-skills" is held back by "readiness.target-tried-and-disliked"

  Scenario: N5, Eva with fresh criticism from a VP in review season: address it first, visibly
    # S3 (Bad timing): not right after critical feedback. S0 (Getting the Full Story): acting on
    # criticism shows you take it seriously. The catalogue: address the issue first. Review
    # season (S3, Good timing) waits; so does every "ask now".
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | org.next_review_start      | 2026-10-20 |
      | achievement_log_last_updated | 2026-09-28 |
    And their setbacks are:
      | date       | kind              | addressed | given_by | gap_shown           |
      | 2026-09-20 | critical_feedback | false     | exec     | stakeholder updates |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-02-01 |
    And their achievements are:
      | title            | date       | quantified | above_role | criteria    |
      | Launch on time   | 2026-09-01 | true       | true       | [ownership] |
      | Churn down 3%    | 2026-08-01 | true       | true       | [impact]    |
      | Survey +12       | 2026-07-01 | true       | true       | [people]    |
      | Cycle time -20%  | 2026-06-01 | true       | true       | [ownership] |
      | Upsell 30k       | 2026-05-15 | true       | true       | [impact]    |
    And their people are:
      | name | relation | strength | stance   | can_influence |
      | Dana | skip     | strong   | champion | true          |
      | Eli  | peer     | strong   | champion | true          |
    When they ask for advice
    Then "readiness.address-setback-first" is ranked 1
    And the text of "readiness.address-setback-first" mentions "critical feedback from an executive on 2026-09-20, about stakeholder updates"
    And "timing.review-season" is held back by "readiness.address-setback-first"
    And "conversation.request-dedicated-meeting" is held back by "readiness.address-setback-first"
    And "timing.avoid-after-setback" is held back by "readiness.address-setback-first"
    # Only dealing with the setback lifts that wait: waiting a year for it to drop out of the
    # count is no way out a coach would offer (S0, Getting the Full Story).
    And what would change the advice mentions "setbacks not yet dealt with: 1 now, needs none"

  Scenario: N6, Femi without sponsors, about to ask a weak tie: don't, and build real supporters
    # S3 (Build your case): be able to name 2-3 people who would speak up. S0 (Tap into your
    # relationships): vet endorsers, build relationships long before you need them, and a good
    # word tips a strong case but cannot carry one. He plans to ask Lee, a weak tie.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
      | achievement_log_last_updated | 2026-09-28 |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-02-01 |
      | mentoring        | 2026-02-01 |
    And their achievements are:
      | title           | date       | quantified | above_role | criteria    | visible |
      | Launch on time  | 2026-09-01 | true       | true       | [ownership] | true    |
      | Churn down 3%   | 2026-08-01 | true       | true       | [impact]    | true    |
      | Survey +12      | 2026-07-01 | true       | true       | [people]    | true    |
      | Cycle time -20% | 2026-06-01 | true       | true       | [ownership] | true    |
      | Upsell 30k      | 2026-05-15 | true       | true       | [impact]    | true    |
    And their people are:
      | name | relation | strength | stance     | can_influence | plan_to_ask |
      | Lee  | peer     | weak     | supportive | false         | true        |
    When they ask for advice
    Then the stage is "make_the_case"
    # The third is finding the written bar for the next level (S1, S3), which he has not
    # told us; building relationships early (a habit for every stage) follows.
    And "relationships.dont-ask-planned-endorser" is ranked 1
    And "relationships.sponsor-count-2-3" is ranked 2
    And the advice includes "relationships.dig-the-well-early"
    And the text of "relationships.dont-ask-planned-endorser" mentions "You plan to ask Lee"
    And the advice does not include "relationships.vet-endorsers"

  Scenario: N7, Gia told "no" because her function is being automated: the reason is the company's direction
    # S4 (You may need to consider other options): soul-search first; then the "other-valued"
    # case, where the company is outsourcing or automating what you do best: look where the
    # skill is valued. S1 (What to do when denied): structural causes have nothing to do with you.
    Given a person with these facts:
      | fact                                 | value      |
      | as_of                                | 2026-10-01 |
      | current_title                        | Customer support lead |
      | role_start_date                      | 2023-05-02 |
      | self_assessment_done                 | true       |
      | self_assessment_date                 | 2026-09-01 |
      | performance_gaps                     | []         |
      | meets_all_responsibilities           | true       |
      | informal_review_done                 | true       |
      | setbacks                             | []         |
      | org.function_outsourced_or_automated | true       |
    And their promotion requests are:
      | date       | outcome | stated_reason             | plan_offered | feedback_specific |
      | 2026-08-20 | denied  | outsourcing_or_automation | false        | false             |
    When they ask for advice
    Then the stage is "after_a_no"
    # The third is asking for specifics (all four sources) rather than weighing structural
    # causes: she got a reason but no criteria, and asking comes before concluding.
    And the top three are "escalate.soul-search", "escalate.no-for-company-direction" and "escalate.ask-specific-criteria"
    And the text of "escalate.no-for-company-direction" mentions "(outsourcing or automation)"
    And "signal.company-direction-no" fires
    And the advice does not include "leave.other-valued"

  Scenario: N8, Hal ready to ask while his manager's post is held by an acting manager
    # S1 (Why good work is not enough): the manager must defend the promotion upward; an acting
    # manager may not be able to. S0 (Put it in writing): a written case travels without you.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | manager_post               | acting     |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
      | achievement_log_last_updated | 2026-09-28 |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-02-01 |
      | mentoring        | 2026-02-01 |
    And their achievements are:
      | title           | date       | quantified | above_role | criteria    | visible |
      | Launch on time  | 2026-09-01 | true       | true       | [ownership] | true    |
      | Churn down 3%   | 2026-08-01 | true       | true       | [impact]    | true    |
      | Survey +12      | 2026-07-01 | true       | true       | [people]    | true    |
      | Cycle time -20% | 2026-06-01 | true       | true       | [ownership] | true    |
      | Upsell 30k      | 2026-05-15 | true       | true       | [impact]    | true    |
    And their people are:
      | name | relation | strength | stance   | can_influence |
      | Dana | skip     | strong   | champion | true          |
      | Eli  | peer     | strong   | champion | true          |
    When they ask for advice
    Then the top three are "conversation.acting-manager", "case.put-it-in-writing" and "relationships.ask-for-good-word"
    And the text of "conversation.acting-manager" mentions "Your manager's post has no permanent holder right now"

  Scenario: N9, Ivy met her criteria and agreed to revisit in December: the request waits for that date
    # S3 (If the answer is no): "if I hit those criteria, when could we revisit this?" The
    # date is agreed; asking before it asks for an answer already scheduled.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-02-01 |
    And their promotion requests are:
      | date       | outcome | feedback_specific | criteria        | timeline_given | revisit_date | summarised_in_writing | plan_offered | action_plan_agreed | plan_agreed_date | progress_since |
      | 2026-05-04 | not_yet | true              | [lead a launch] | true           | 2026-12-15   | true                  | true         | true               | 2026-05-20       | criteria_met   |
    When they ask for advice
    Then "escalate.wait-for-revisit-date" is ranked 1
    And "escalate.wait-for-revisit-date" is dated 2026-12-15
    And the text of "escalate.wait-for-revisit-date" mentions "against what you were asked for: lead a launch"
    And the advice does not include "escalate.wait-for-criteria"

  Scenario: N10, Jon's manager would not give real feedback: lay groundwork, don't ask "what would it take"
    # S0 (Gather feedback): a manager unwilling to give meaningful feedback may mean you are not
    # taken seriously yet; lay more groundwork before the next request. Asking again what it
    # would take contradicts that on the same page.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
    And their promotion requests are:
      | date       | outcome | feedback_specific | manager_declined_meaningful_feedback | feedback_meeting_held | plan_offered |
      | 2026-08-03 | denied  | false             | true                                 | false                 | true         |
    When they ask for advice
    Then the advice includes "escalate.no-feedback-means-groundwork"
    And the advice does not include "escalate.thank-and-recommit"
    And the advice does not include "escalate.ask-specific-criteria"

  Scenario: N11, Kim's written case covers two of five parts: finish it before booking the meeting
    # S0 (Build your case): the case covers five parts; if you cannot fill them in, go back to
    # the earlier stages. The catalogue (section 5) lists it as a gate on asking.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
      | achievement_log_last_updated | 2026-09-28 |
      | case_document.components   | [current_role, ask] |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-02-01 |
      | mentoring        | 2026-02-01 |
    And their achievements are:
      | title           | date       | quantified | above_role | criteria    | visible |
      | Launch on time  | 2026-09-01 | true       | true       | [ownership] | true    |
      | Churn down 3%   | 2026-08-01 | true       | true       | [impact]    | true    |
      | Survey +12      | 2026-07-01 | true       | true       | [people]    | true    |
      | Cycle time -20% | 2026-06-01 | true       | true       | [ownership] | true    |
      | Upsell 30k      | 2026-05-15 | true       | true       | [impact]    | true    |
    And their people are:
      | name | relation | strength | stance   | can_influence |
      | Dana | skip     | strong   | champion | true          |
      | Eli  | peer     | strong   | champion | true          |
    When they ask for advice
    Then "case.five-components" is ranked 1
    And "conversation.request-dedicated-meeting" is held back by "case.five-components"

  Scenario: N12, Lou, frustrated, told "more experience" with named criteria: the criteria are the answer
    # S3 (Handle pushback): "you need more experience" is answered by asking what it looks
    # like; here the manager already said (S3, If the answer is no: specific criteria), so the
    # advice aims at them. S0 (intro, Keep performing): frustration tempts you to do less.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | frustrated                 | true       |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
    And their promotion requests are:
      | date       | outcome | stated_reason  | feedback_specific | criteria                         | timeline_given | revisit_date | summarised_in_writing | plan_offered |
      | 2026-08-20 | denied  | experience_gap | true              | [run a quarterly planning cycle] | true           | 2027-04-01   | true                  | true         |
    When they ask for advice
    Then "escalate.wait-for-revisit-date" is ranked 1
    And the advice does not include "conversation.pushback-experience"
    And the text of "escalate.wait-for-revisit-date" mentions "against what you were asked for: run a quarterly planning cycle"
    And the advice includes "escalate.frustration-heard"
    And "escalate.frustration-heard" comes before "case.achievement-log-monthly"
    And the text of "escalate.frustration-heard" mentions "You told us you feel frustrated"

  # ---------------------------------------------------------------- kinds found reading the first screen
  # Each scenario below failed before the ruleset change it names and passes after it.

  Scenario: N13, Mo has open gaps and a visibly stressed manager: the foundation comes first, not the timing
    # S0 (Crush it in your current role): with gaps in the current role, the next cycle is for
    # them alone, "not to work on your promotion pitch". S3 (Bad timing): a stressed manager is
    # a reason not to ask now, which matters once asking is the next step; for Mo it is not yet.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-11-24 |
      | role_start_date            | 2025-09-25 |
      | meets_all_responsibilities | true       |
      | manager_visibly_stressed   | true       |
    And their performance gaps are:
      | area          | status |
      | presentations | open   |
    When they ask for advice
    Then the stage is "foundation"
    And "stage.foundation-first" is ranked 1
    And "stage.foundation-first" comes before "timing.avoid-stressed-manager"

  Scenario: N14, Noor weighs a move and once planned to raise the promotion casually: the move comes first
    # S4 (You may need to consider other options) and S1 (What to do when denied): after a clean
    # soul-search, an undervalued person looks elsewhere, one level up. Where to ask for a
    # promotion here (S3, Bad timing: a casual setting) is no longer the next step.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-11-24 |
      | role_start_date            | 2024-04-23 |
      | last_promotion_date        | 2023-06-22 |
      | planned_setting            | casual     |
      | self_assessment_done       | true       |
      | meets_all_responsibilities | true       |
      | soul_search_done           | true       |
      | soul_search_found_gaps     | false      |
      | target_role_is_management  | true       |
      | leadership_evidence        | false      |
      | current_comp               | 80000      |
      | market_rate_current_level  | 90000      |
    When they ask for advice
    Then the stage is "considering_a_move"
    And "leave.undervalued" is ranked 1
    And "leave.target-next-level-externally" is ranked 2
    And the advice does not include "timing.avoid-casual-setting"
    And "leave.target-next-level-externally" comes before "readiness.role-fit-soft-skills"

  Scenario: N15, Pat agreed a revisit date without written criteria: the date holds, and what it will be judged on is asked
    # S3 (If the answer is no): "what would I need to demonstrate, and by when" and "if I hit
    # those criteria, when could we revisit?". Pat has the date but no criteria: the request
    # waits for the date, and the conversation before it pins down what will be judged.
    Given a person with these facts:
      | fact                       | value      |
      | as_of                      | 2026-10-01 |
      | role_start_date            | 2024-03-04 |
      | self_assessment_done       | true       |
      | self_assessment_date       | 2026-09-01 |
      | performance_gaps           | []         |
      | meets_all_responsibilities | true       |
      | informal_review_done       | true       |
      | setbacks                   | []         |
    And their promotion requests are:
      | date       | outcome | feedback_specific | revisit_date | plan_offered |
      | 2026-08-20 | not_yet | false             | 2027-01-15   | true         |
    When they ask for advice
    Then "escalate.wait-for-revisit-date-no-criteria" is ranked 1
    And "escalate.wait-for-revisit-date-no-criteria" is dated 2027-01-15
    And the text of "escalate.wait-for-revisit-date-no-criteria" mentions "make sure you and your manager agree what the decision will be judged on"
    And the advice does not include "escalate.wait-for-revisit-date"

  Scenario: N16, Quinn, ready but eight months into the role, plans to ask at the end of a one-to-one: the wait comes alone
    # S3 (Bad timing): under twelve months is a reason to wait, and so is a casual setting, but
    # the setting is advice for the moment of asking: beside "give the role twelve months" it
    # read as a second thing to do now. It comes back with the request.
    Given a person with these facts:
      | fact                         | value        |
      | as_of                        | 2026-11-24   |
      | role_start_date              | 2026-03-02   |
      | planned_setting              | end_of_1on1  |
      | scope_change                 | none         |
      | self_assessment_done         | true         |
      | self_assessment_date         | 2026-09-01   |
      | performance_gaps             | []           |
      | meets_all_responsibilities   | true         |
      | informal_review_done         | true         |
      | setbacks                     | []           |
      | achievement_log_last_updated | 2026-11-02   |
    And their above level activities are:
      | kind             | started    |
      | cross_functional | 2026-05-01 |
      | mentoring        | 2026-05-01 |
    And their achievements are:
      | title           | date       | quantified | above_role | criteria    | visible |
      | Launch on time  | 2026-09-01 | true       | true       | [ownership] | true    |
      | Churn down 3%   | 2026-08-01 | true       | true       | [impact]    | true    |
      | Survey +12      | 2026-07-01 | true       | true       | [people]    | true    |
      | Cycle time -20% | 2026-06-01 | true       | true       | [ownership] | true    |
      | Upsell 30k      | 2026-05-15 | true       | true       | [impact]    | true    |
    And their people are:
      | name | relation | strength | stance   | can_influence |
      | Dana | skip     | strong   | champion | true          |
      | Eli  | peer     | strong   | champion | true          |
    When they ask for advice
    Then the stage is "make_the_case"
    And "timing.avoid-under-12-months" is ranked 1
    And the advice does not include "timing.avoid-casual-setting"

  Scenario: N17, Rae, ten months into a new role, has critical feedback she has not dealt with
    # S0 (Step into your new role): the first year is for excelling in the new job. S0 (Getting
    # the Full Story): acting on criticism where it can be seen shows you take it seriously; the
    # catalogue: address the issue first. An open setback is not only a pre-promotion matter.
    Given a person with these facts:
      | fact                | value      |
      | as_of               | 2026-11-24 |
      | role_start_date     | 2026-01-20 |
      | last_promotion_date | 2026-01-20 |
    And their setbacks are:
      | date       | kind              | addressed | given_by |
      | 2026-10-02 | critical_feedback | false     | manager  |
    When they ask for advice
    Then the stage is "new_in_role"
    And "after.crush-new-role-first-year" is ranked 1
    And "readiness.address-setback-first" is ranked 2
    And the text of "readiness.address-setback-first" mentions "critical feedback from your manager on 2026-10-02"

  Scenario: N18, Sid's job grew, he has no supporters yet and has not said when the role began: never "make the scope dramatic"
    # S3 (Bad timing): under twelve months is bad timing unless the scope has changed
    # dramatically. How far a job has changed is history, not a lever: the way out of the
    # tenure question is the date the role began, which is asked for, never "a dramatic scope".
    Given a person with these facts:
      | fact                         | value      |
      | as_of                        | 2026-11-24 |
      | scope_change                 | expanded   |
      | self_assessment_done         | true       |
      | self_assessment_date         | 2026-10-01 |
      | performance_gaps             | []         |
      | meets_all_responsibilities   | true       |
      | setbacks                     | []         |
      | promotion_requests           | []         |
    And their above level activities are:
      | kind      | started    |
      | mentoring | 2026-01-05 |
    And their achievements are:
      | title           | date       | quantified |
      | Launch on time  | 2026-10-06 | true       |
      | Churn down 3%   | 2026-07-15 | true       |
      | Survey +12      | 2026-06-22 | true       |
      | Cycle time -20% | 2026-04-11 | true       |
      | Upsell 30k      | 2026-03-31 | true       |
    And their people are:
      | name        | strength   | stance     | can_influence |
      | Her manager | strong     | opposed    | true          |
    When they ask for advice
    Then the first missing fact is "role_start_date"
    And nothing near would unlock any held-back advice
