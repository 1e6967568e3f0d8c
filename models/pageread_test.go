package models

import "testing"

// Every page of a list made of segments is read from the nearer end of
// the segment it starts or ends in, and asks for exactly its rows.
func TestPageReadTakesTheShorterWalk(t *testing.T) {
	stages := []segment{{"a", 120}, {"b", 30}, {"c", 250}}
	for _, tc := range []struct {
		name     string
		segments []segment
		offset   int
		want     pageReadPlan
	}{
		{"first page", stages, 0, pageReadPlan{from: "a", skip: 0, limit: 50}},
		{"near a's end, read back", stages, 100, pageReadPlan{from: "b", skip: 0, limit: 50, backwards: true}},
		{"within a, nearer its start", stages, 20, pageReadPlan{from: "a", skip: 20, limit: 50}},
		{"within a, nearer its end", stages, 50, pageReadPlan{from: "a", skip: 20, limit: 50, backwards: true}},
		{"starts in b", stages, 130, pageReadPlan{from: "b", skip: 10, limit: 50}},
		{"deep in c, from its end", stages, 300, pageReadPlan{from: "c", skip: 50, limit: 50, backwards: true}},
		{"last, short page", stages, 350, pageReadPlan{from: "c", skip: 0, limit: 50, backwards: true}},
		{"cut short at the end", stages, 380, pageReadPlan{from: "c", skip: 0, limit: 20, backwards: true}},
		{"past the end", stages, 400, pageReadPlan{skip: 400, limit: 50}},
		{"one segment, near half", []segment{{n: 1000}}, 450, pageReadPlan{skip: 450, limit: 50}},
		{"one segment, far half", []segment{{n: 1000}}, 600, pageReadPlan{skip: 350, limit: 50, backwards: true}},
		{"count unknown yet", []segment{{n: -1}}, 0, pageReadPlan{skip: 0, limit: 50}},
	} {
		if got := pageRead(tc.segments, tc.offset, 50); got != tc.want {
			t.Errorf("%s: pageRead(offset %d) = %+v, want %+v", tc.name, tc.offset, got, tc.want)
		}
	}
}
