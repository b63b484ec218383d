#!/bin/sh
# kith show: the card, the timeline newest first, open follow-ups.
. "$(dirname "$0")/lib.sh"

fixture_repo network repo
cd repo || exit 3

test_expect 'show --json: the ls keys, then timeline and follow-ups' '
	kith show --json ben-okoro >out &&
	cat >want <<-\END &&
	{"slug":"ben-okoro","name":"Ben Okoro","path":"people/ben-okoro.md","tags":[],"last":"2026-11-24","interactions":2,"every":"1m","fields":{"every":["1m"],"birthday":["--02-29"],"company":["Okoro & Sons"],"aliases":["Benny"]},"timeline":[{"date":"2026-11-24","time":"18:00","title":"Dinner with [[Ana Lima|Ana]] and Benny","path":"journal/2026/2026-11-24.md","line":3,"kind":"journal"},{"date":"2026-11-10","time":"10:00","title":"Call with @ben-okoro","path":"journal/2026/2026-11-10.md","line":3,"kind":"journal"}],"followups":[{"text":"lend him the book on negotiation","done":false,"due":"2026-11-20","people":["ben-okoro"],"path":"people/ben-okoro.md","line":8},{"text":"send @ben-okoro the flat listings","done":false,"due":"2026-11-28","people":["ben-okoro"],"path":"journal/2026/2026-11-10.md","line":6},{"text":"book the restaurant for next month","done":false,"due":"2026-12-10","people":["ana-lima","ben-okoro"],"path":"journal/2026/2026-11-24.md","line":6}]}
	END
	check_same want out
'

test_expect 'human card: fields, tags, last contact, timeline, follow-ups' '
	kith show ana-lima >out &&
	cat >want <<-\END &&
	Ana Lima (ana-lima)
	  email:         ana@example.com
	  every:         2w
	  birthday:      1990-11-27
	  tags:          #design
	  last contact:  2026-11-24 (yesterday), 2 interactions

	Interactions
	  2026-11-24 18:00  Dinner with [[Ana Lima|Ana]] and Benny  journal/2026/2026-11-24.md:3
	  2026-11-01        phone call about her new studio  people/ana-lima.md:10

	Open follow-ups
	  [ ] book the restaurant for next month (due 2026-12-10)  journal/2026/2026-11-24.md:6
	END
	check_same want out
'

test_expect 'a dated note item in the person file is an interaction' '
	kith show --json ana-lima | grep -q "\"kind\":\"note\""
'

test_expect 'a ticked follow-up is an interaction, not an open follow-up' '
	kith show --json dana-kurz >out &&
	grep -q "\"interactions\":1" out &&
	grep -q "\"followups\":\[\]" out
'

test_expect 'find by name, alias, prefix; case- and accent-insensitive' '
	kith show --json "ben okoro" | grep -q "\"slug\":\"ben-okoro\"" &&
	kith show --json benny | grep -q "\"slug\":\"ben-okoro\"" &&
	kith show --json "BÉN" | grep -q "\"slug\":\"ben-okoro\"" &&
	kith show --json chen | grep -q "\"slug\":\"chen-wei\""
'

test_expect 'an ambiguous name lists the candidates and exits 2' '
	printf "# Ana Lima\n" >people/ana-lima-2.md &&
	code=0; kith show "Ana Lima" >out 2>err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "ana-lima-2" err && grep -q "	ana-lima	" err &&
	[ ! -s out ] &&
	kith show --json ana-lima | grep -q "\"slug\":\"ana-lima\"" &&
	rm people/ana-lima-2.md
'

test_expect_code 2 'an unknown person: exit 2' 'kith show zelda'
test_expect 'the unknown-person message says what to do' '
	! kith show zelda 2>err && grep -q "^kith-show: no person matches .zelda.: see .kith ls." err
'
test_expect 'show --json: quotes, backslashes and tabs escaped as JSON' '
	rm -rf ../esc && cp -a . ../esc && (
		cd ../esc &&
		printf "# 2026-11-26\n\n## 09:00 \"Tea\" at C:\\\\dir\twith @dana-kurz\n\n- [ ] ask @dana-kurz about \"it\"\n" \
			>journal/2026/2026-11-26.md &&
		kith show --json dana-kurz >out &&
		grep -q "\"title\":\"\\\\\"Tea\\\\\" at C:\\\\\\\\dir\\\\twith @dana-kurz\"" out &&
		grep -q "{\"text\":\"ask @dana-kurz about \\\\\"it\\\\\"\",\"done\":false,\"due\":null,\"people\":\[\"dana-kurz\"\]" out &&
		grep -q "\"timeline\":\[{\"date\":\"2026-11-26\",\"time\":\"09:00\"" out
	)
'

test_expect_code 2 'no operand: exit 2' 'kith show'
test_expect_code 2 'two operands: exit 2' 'kith show ana ben'
test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith show ana'
test_expect '--help prints the synopsis' 'kith show --help | grep -q "^usage: kith show "'

test_expect 'the work tree is clean' 'check_clean'
test_done
