// gomod: a test module in Go. Its functions take and return every scalar, lists, optional values
// and an enum; it chains through its own object, fails in both ways a function can, and calls the
// C module cmod through the host.
package main

import (
	"errors"
	"fmt"
	"strings"

	"hostsdk"
)

// Color is an enum.
type Color string

// Gomod is the main object.
type Gomod struct {
	Prefix string   `doc:"Put before labels."`
	Tags   []string `doc:"Tags added by with_tag."`
}

// Report is a second object type.
type Report struct {
	Label string `doc:"The label."`
	Count int    `doc:"How many tags."`
}

// Echo concatenates three strings (bench/process_call_bench calls it).
func (Gomod) Echo(a, b, c string) string { return a + b + c }

// Scalars joins one value of each scalar type.
func (Gomod) Scalars(s string, i int64, f float64, b bool) string {
	return fmt.Sprintf("%s|%d|%g|%t", s, i, f, b)
}

// Sum adds a list of integers.
func (Gomod) Sum(numbers []int) int {
	total := 0
	for _, n := range numbers {
		total += n
	}
	return total
}

// Scale multiplies each value by factor (2 when absent).
func (Gomod) Scale(values []float64, factor *float64) []float64 {
	f := 2.0
	if factor != nil {
		f = *factor
	}
	out := []float64{}
	for _, v := range values {
		out = append(out, v*f)
	}
	return out
}

// CountTrue counts the true values of a list.
func (Gomod) CountTrue(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// Greet greets name, or nobody.
func (Gomod) Greet(name *string) *string {
	if name == nil {
		return nil
	}
	text := "hello, " + *name
	return &text
}

// Mix says which color two make.
func (Gomod) Mix(a Color, b Color) (Color, error) {
	if a == b {
		return a, nil
	}
	if (a == "red" && b == "blue") || (a == "blue" && b == "red") {
		return "purple", nil
	}
	return "", fmt.Errorf("cannot mix %s and %s", a, b)
}

// Small takes a 32-bit integer.
func (Gomod) Small(n int32) int32 { return n + 1 }

// Fail fails with message.
func (Gomod) Fail(message string) (string, error) { return "", errors.New(message) }

// Check refuses a negative number as the caller's fault.
func (Gomod) Check(n int) error {
	if n < 0 {
		return hostsdk.UsageError{Message: fmt.Sprintf("n must be at least 0, got %d", n)}
	}
	return nil
}

// WithTag adds a tag.
func (g Gomod) WithTag(tag string) Gomod {
	g.Tags = append(append([]string{}, g.Tags...), tag)
	return g
}

// Report sums up the tags as another object.
func (g *Gomod) Report() Report {
	return Report{Label: g.Prefix + strings.Join(g.Tags, ","), Count: len(g.Tags)}
}

// Summary is one line about the report.
func (r Report) Summary() string { return fmt.Sprintf("%s (%d)", r.Label, r.Count) }

// ShoutViaC upper-cases a text with cmod's shout, through the host.
func (Gomod) ShoutViaC(ctx *hostsdk.Ctx, text string) (string, error) {
	loud, err := hostsdk.As[string](ctx.Call("cmod", "shout", hostsdk.A("text", text)))
	if err != nil {
		return "", err
	}
	return "go:" + loud, nil
}

// CountViaC counts items with cmod's count.
func (Gomod) CountViaC(ctx *hostsdk.Ctx, items []string) (int64, error) {
	return hostsdk.As[int64](ctx.Call("cmod", "count", hostsdk.A("items", items)))
}

// MissingViaC calls a function cmod does not have.
func (Gomod) MissingViaC(ctx *hostsdk.Ctx) (string, error) {
	return hostsdk.As[string](ctx.Call("cmod", "no_such_function"))
}

// WriteAndRead writes a file into a new core Directory and reads it back, in a chain of core calls.
func (g Gomod) WriteAndRead(ctx *hostsdk.Ctx, path, text string) (string, error) {
	empty, err := hostsdk.As[hostsdk.Directory](ctx.Call("core", "directory"))
	if err != nil {
		return "", err
	}
	dir, err := hostsdk.As[hostsdk.Directory](ctx.CallOn("core", empty.Object, "with_new_file",
		hostsdk.A("path", path), hostsdk.A("contents", text)))
	if err != nil {
		return "", err
	}
	return g.ReadFile(ctx, dir, path)
}

// ReadFile reads a file of a directory the caller passes.
func (Gomod) ReadFile(ctx *hostsdk.Ctx, dir hostsdk.Directory, path string) (string, error) {
	file, err := hostsdk.As[hostsdk.File](ctx.CallOn("core", dir.Object, "file", hostsdk.A("path", path)))
	if err != nil {
		return "", err
	}
	return hostsdk.As[string](ctx.CallOn("core", file.Object, "contents"))
}

// Crash panics.
func (Gomod) Crash() string { panic("deliberately") }

func main() {
	m := hostsdk.New("gomod", "0.1.0", "A Go test module.")
	m.Enum(Color(""), "A color.",
		hostsdk.EnumValue{Name: "red", Description: "Red."},
		hostsdk.EnumValue{Name: "blue", Description: "Blue."},
		hostsdk.EnumValue{Name: "purple", Description: "Red and blue."})
	m.Object(Gomod{}, "The main object.").
		Function(Gomod.Echo, "Concatenates three strings.",
			hostsdk.Arg("a", "First."), hostsdk.Arg("b", "Second."), hostsdk.Arg("c", "Third.")).
		Function(Gomod.Scalars, "Joins one value of each scalar type.",
			hostsdk.Arg("s", "A string."), hostsdk.Arg("i", "An integer."),
			hostsdk.Arg("f", "A float."), hostsdk.Arg("b", "A boolean.").Default(true)).
		Function(Gomod.Sum, "Adds integers.", hostsdk.Arg("numbers", "The integers.")).
		Function(Gomod.Scale, "Multiplies floats.", hostsdk.Arg("values", "The floats."),
			hostsdk.Arg("factor", "What to multiply by (2 when absent).")).
		Function(Gomod.CountTrue, "Counts true values.", hostsdk.Arg("flags", "The values.")).
		Function(Gomod.Greet, "Greets someone, or nobody.", hostsdk.Arg("name", "Who.")).
		Function(Gomod.Mix, "Mixes two colors.", hostsdk.Arg("a", "One."), hostsdk.Arg("b", "The other.")).
		Function(Gomod.Small, "Adds one to a 32-bit integer.", hostsdk.Arg("n", "The number.")).
		Function(Gomod.Fail, "Fails.", hostsdk.Arg("message", "Why."), hostsdk.Never).
		Function(Gomod.Check, "Refuses negative numbers.", hostsdk.Arg("n", "The number.")).
		Function(Gomod.WithTag, "Adds a tag.", hostsdk.Arg("tag", "The tag.")).
		Function((*Gomod).Report, "Sums up the tags.").
		Function(Gomod.ShoutViaC, "Shouts through cmod.", hostsdk.Arg("text", "The text.")).
		Function(Gomod.CountViaC, "Counts through cmod.", hostsdk.Arg("items", "The items.")).
		Function(Gomod.MissingViaC, "Calls a function cmod lacks.").
		Function(Gomod.WriteAndRead, "Writes a file into a new directory and reads it back.",
			hostsdk.Arg("path", "The file's path."), hostsdk.Arg("text", "Its contents.")).
		Function(Gomod.ReadFile, "Reads a file of a directory.",
			hostsdk.Arg("dir", "The directory."), hostsdk.Arg("path", "The file's path.")).
		Function(Gomod.Crash, "Panics.", hostsdk.Never)
	m.Object(Report{}, "What the main object holds, as another object.").
		Function(Report.Summary, "One line about the report.")
	m.Serve()
}
