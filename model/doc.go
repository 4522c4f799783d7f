// Package model is aisight's shared vocabulary: the plain types that collectors
// produce (Asset, Fact, Scope, CollectorRun, Inventory), that scoring consumes and
// produces (Assessment, ControlResult, Category, Level) and that outputs render.
//
// It depends on the standard library only. The JSON form of these types is a
// versioned contract (SchemaVersion); docs/schema/aisight-output.schema.json
// describes it and a test validates real scan output against that schema.
package model
