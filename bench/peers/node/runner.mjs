// json-rules-engine for bench/peers.py: the rules and people the bench generated, one command a line on stdin.
//
//   node runner.mjs MODEL.json
//   fired -> one JSON line: for each person, the ids of the rules that fire
//   time  -> one JSON line: seconds for one pass over the people, one engine.run at a time
//   quit  -> exits
//
// The bench keeps this process for the whole run, so its passes interleave with the Python ones
// and Node's compiler is warm for every timed pass after the first command.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Engine } from 'json-rules-engine'

const model = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const engine = new Engine(model.rules, { allowUndefinedFacts: false })
// Rule chaining as json-rules-engine documents it: a rule that derives a signal sets it as a fact for the
// rules of lower priority, which run after it. Every signal fact starts false for each person.
engine.on('success', (event, almanac) => {
  if (event.params && event.params.sets) almanac.addRuntimeFact(event.params.sets, true)
})
const unset = Object.fromEntries(model.signals.map((name) => [name, false]))
const people = model.people.map((facts) => ({ ...facts, ...unset }))

async function fired () {
  const all = []
  for (const facts of people) {
    const { events } = await engine.run(facts)
    all.push(events.filter((event) => !(event.params && event.params.internal)).map((event) => event.type))
  }
  return all
}

async function time () {
  const started = process.hrtime.bigint()
  for (const facts of people) await engine.run(facts)
  return Number(process.hrtime.bigint() - started) / 1e9
}

const commands = { fired, time }
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim()
  if (command === 'quit') break
  const run = commands[command]
  const answer = run ? await run() : { error: `unknown command ${command}` }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
