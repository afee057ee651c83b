// Package hostsdk writes host modules in Go: a module is a Go program whose objects are Go structs
// and whose functions are their methods, served to the host runtime over the module protocol
// (docs/module-protocol.md). Types come from the Go types: string, int and int64, float64, bool,
// slices of these, pointers for optional values, named string types registered with Enum, and
// structs registered with Object. Names and descriptions come from the registration calls.
//
//	m := hostsdk.New("greeter", "0.1.0", "Greets people.")
//	m.Object(Greeter{}, "The module's object.").
//		Function(Greeter.Hello, "Greets someone.", hostsdk.Arg("name", "Who to greet."))
//	m.Serve()
package hostsdk

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"unicode"

	"hostsdk/pb"
)

// Module is a module being declared: its objects, their functions and its enums.
type Module struct {
	name        string
	version     string
	description string
	objects     []*Object
	byType      map[reflect.Type]*Object
	enums       map[reflect.Type]*pb.EnumDef
	enumOrder   []reflect.Type
	problems    []string
	resolved    bool // fields and functions are resolved (definition ran)
}

// Object is an object type of a module: a Go struct and the methods registered as its functions.
type Object struct {
	module    *Module
	goType    reflect.Type
	def       *pb.ObjectDef
	fields    []field
	functions map[string]*function
	pending   []pendingFunction
}

// field is one public field of an object: the struct field it is read from and written to.
type field struct {
	name   string
	index  int
	goType reflect.Type
}

// function is one registered method: how to call it and how to decode its arguments.
type function struct {
	def       *pb.FunctionDef
	method    reflect.Value
	pointer   bool // the method's receiver is a pointer
	takesCtx  bool
	argTypes  []reflect.Type
	returns   reflect.Type // nil: returns nothing (Void)
	returnsEr bool
}

// Option is what Function takes after its description: argument specs (Arg) and a cache policy.
type Option interface{ apply(*functionSpec) }

// functionSpec collects a Function call's options.
type functionSpec struct {
	args  []ArgSpec
	cache pb.CachePolicy
}

// ArgSpec names and describes one argument of a function, in the order of the method's parameters.
type ArgSpec struct {
	name        string
	description string
	hasDefault  bool
	defaultVal  interface{}
}

// Arg declares the next argument of a function: its name (snake_case, as the CLI's --name flag
// says it) and its description.
func Arg(name, description string) ArgSpec { return ArgSpec{name: name, description: description} }

// Default gives the argument a default value, used when the caller leaves it out.
func (a ArgSpec) Default(value interface{}) ArgSpec {
	a.hasDefault = true
	a.defaultVal = value
	return a
}

func (a ArgSpec) apply(s *functionSpec) { s.args = append(s.args, a) }

// CachePolicy says when a function's result may be reused.
type CachePolicy pb.CachePolicy

const (
	// Persistent results are reused across runs while the inputs are equal (the default).
	Persistent = CachePolicy(pb.CachePolicy_CACHE_POLICY_PERSISTENT)
	// Session results are reused within one engine session.
	Session = CachePolicy(pb.CachePolicy_CACHE_POLICY_SESSION)
	// Never: the function runs every time it is called.
	Never = CachePolicy(pb.CachePolicy_CACHE_POLICY_NEVER)
)

func (c CachePolicy) apply(s *functionSpec) { s.cache = pb.CachePolicy(c) }

// EnumValue is one value of an enum: its name (the Go constant's string) and its description.
type EnumValue struct {
	Name        string
	Description string
}

// New starts declaring the module called name (module.json's "name").
func New(name, version, description string) *Module {
	return &Module{name: name, version: version, description: description,
		byType: map[reflect.Type]*Object{}, enums: map[reflect.Type]*pb.EnumDef{}}
}

// problem records a registration mistake; Describe reports them all and the host refuses the module.
func (m *Module) problem(format string, args ...interface{}) {
	m.problems = append(m.problems, fmt.Sprintf(format, args...))
}

// Enum registers a named string type (given by any value of it, e.g. Color("")) as an enum with
// its values. Register enums before the objects whose fields or functions use them.
func (m *Module) Enum(value interface{}, description string, values ...EnumValue) {
	t := reflect.TypeOf(value)
	if t == nil || t.Kind() != reflect.String || t.Name() == "" || t == reflect.TypeOf("") {
		m.problem("Enum(%v): an enum is a named string type (type Color string), given by a value of it", t)
		return
	}
	def := &pb.EnumDef{Name: t.Name(), Description: description}
	for _, v := range values {
		def.Values = append(def.Values, &pb.EnumValueDef{Name: v.Name, Description: v.Description})
	}
	if len(values) == 0 {
		m.problem("enum %s has no values: pass them as hostsdk.EnumValue{Name, Description}", t.Name())
	}
	m.enums[t] = def
	m.enumOrder = append(m.enumOrder, t)
}

// Object registers a struct type (given by a value of it, e.g. Greeter{}) as an object type. The
// first object registered is the module's main object, which `host call` starts from. Its exported
// fields are the object's fields, named in snake_case (or by a `host:"name"` tag; `host:"-"`
// leaves one out) and described by a `doc:"..."` tag. Registering a type again returns the same
// Object, to add functions to it.
func (m *Module) Object(value interface{}, description string) *Object {
	t := reflect.TypeOf(value)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	o := &Object{module: m, goType: t, functions: map[string]*function{}}
	if t == nil || t.Kind() != reflect.Struct || t.Name() == "" {
		m.problem("Object(%v): an object is a named struct type, given by a value of it (Greeter{})", t)
		o.def = &pb.ObjectDef{}
		return o
	}
	if known, seen := m.byType[t]; seen {
		if description != "" {
			known.def.Description = description
		}
		return known // registered again to add functions: the same object
	}
	o.def = &pb.ObjectDef{Name: t.Name(), Description: description}
	m.objects = append(m.objects, o)
	m.byType[t] = o
	return o
}

// fieldsOf reads the object's fields from its struct, once every type is known.
func (o *Object) fieldsOf() {
	m := o.module
	for i := 0; i < o.goType.NumField(); i++ {
		f := o.goType.Field(i)
		tag := f.Tag.Get("host")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name := tag
		if name == "" {
			name = SnakeCase(f.Name)
		}
		ref, err := m.typeRef(f.Type)
		if err != nil {
			m.problem("field %s.%s: %v", o.def.Name, f.Name, err)
			continue
		}
		o.def.Fields = append(o.def.Fields, &pb.FieldDef{Name: name, Description: f.Tag.Get("doc"), Type: ref})
		o.fields = append(o.fields, field{name: name, index: i, goType: f.Type})
	}
}

// Function registers method, a method expression of the object's type (Greeter.Hello or
// (*Greeter).Hello), as a function named after it in snake_case (hello). Its parameters after the
// receiver are an optional *hostsdk.Ctx, then the arguments, one Arg each in order; it returns a
// value, a value and an error, an error, or nothing. A returned error fails the call with its
// message (a UsageError as the caller's fault).
//
// Types are resolved when the module is served: an object a function returns may be registered
// after it.
func (o *Object) Function(method interface{}, description string, options ...Option) *Object {
	o.pending = append(o.pending, pendingFunction{method, description, options})
	return o
}

// pendingFunction is a Function call, resolved once every type is registered.
type pendingFunction struct {
	method      interface{}
	description string
	options     []Option
}

// register resolves one Function call into the object's schema and its callable function.
func (o *Object) register(method interface{}, description string, options ...Option) *Object {
	m := o.module
	spec := functionSpec{}
	for _, option := range options {
		option.apply(&spec)
	}
	v := reflect.ValueOf(method)
	if v.Kind() != reflect.Func {
		m.problem("%s.Function: %T is not a method expression such as %s.Hello", o.def.Name, method, o.def.Name)
		return o
	}
	goName := runtime.FuncForPC(v.Pointer()).Name()
	goName = goName[strings.LastIndex(goName, ".")+1:]
	goName = strings.TrimSuffix(goName, "-fm")
	where := o.def.Name + "." + goName
	t := v.Type()
	if t.NumIn() == 0 || (t.In(0) != o.goType && t.In(0) != reflect.PointerTo(o.goType)) {
		m.problem("%s: pass a method expression (%s.%s or (*%s).%s), not a bound method or a function",
			where, o.def.Name, goName, o.def.Name, goName)
		return o
	}
	fn := &function{method: v, pointer: t.In(0).Kind() == reflect.Pointer}
	first := 1
	if t.NumIn() > 1 && t.In(1) == reflect.TypeOf((*Ctx)(nil)) {
		fn.takesCtx = true
		first = 2
	}
	params := t.NumIn() - first
	if params != len(spec.args) {
		m.problem("%s takes %d argument(s) but %d hostsdk.Arg were given: name each argument in order",
			where, params, len(spec.args))
		return o
	}
	def := &pb.FunctionDef{Name: SnakeCase(goName), Description: description, Cache: spec.cache}
	if !unicode.IsUpper([]rune(goName)[0]) {
		m.problem("%s: only exported methods can be functions", where)
	}
	for i, arg := range spec.args {
		at := t.In(first + i)
		ref, err := m.typeRef(at)
		if err != nil {
			m.problem("%s, argument '%s': %v", where, arg.name, err)
			return o
		}
		a := &pb.ArgDef{Name: arg.name, Description: arg.description, Type: ref}
		if arg.hasDefault {
			dv := reflect.ValueOf(arg.defaultVal)
			if !dv.IsValid() || !dv.Type().ConvertibleTo(at) {
				m.problem("%s, argument '%s': the default %#v is not a %v", where, arg.name, arg.defaultVal, at)
				return o
			}
			encoded, err := m.encode(dv.Convert(at))
			if err != nil {
				m.problem("%s, argument '%s': the default: %v", where, arg.name, err)
				return o
			}
			a.DefaultValue = encoded
		}
		def.Args = append(def.Args, a)
		fn.argTypes = append(fn.argTypes, at)
	}
	errorType := reflect.TypeOf((*error)(nil)).Elem()
	outs := t.NumOut()
	if outs > 0 && t.Out(outs-1) == errorType {
		fn.returnsEr = true
		outs--
	}
	switch outs {
	case 0:
		def.ReturnType = &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_VOID}
	case 1:
		fn.returns = t.Out(0)
		ref, err := m.typeRef(fn.returns)
		if err != nil {
			m.problem("%s, its result: %v", where, err)
			return o
		}
		def.ReturnType = ref
	default:
		m.problem("%s returns %d values: return one value, optionally followed by an error", where, t.NumOut())
		return o
	}
	if _, seen := o.functions[def.Name]; seen {
		m.problem("%s: function '%s' is registered twice", where, def.Name)
	}
	fn.def = def
	o.functions[def.Name] = fn
	o.def.Functions = append(o.def.Functions, def)
	return o
}

// typeRef is the schema type of a Go type, or why it has none.
func (m *Module) typeRef(t reflect.Type) (*pb.TypeRef, error) {
	if def, ok := m.enums[t]; ok {
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_ENUM, Name: def.Name}, nil
	}
	if name, ok := coreTypes[t]; ok {
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_OBJECT, Name: name}, nil
	}
	switch t.Kind() {
	case reflect.String:
		if t.Name() != "string" {
			return nil, fmt.Errorf("%v is a named string type that is not registered with Enum", t)
		}
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_STRING}, nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_INT}, nil
	case reflect.Float64, reflect.Float32:
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_FLOAT}, nil
	case reflect.Bool:
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_BOOLEAN}, nil
	case reflect.Slice:
		element, err := m.typeRef(t.Elem())
		if err != nil {
			return nil, err
		}
		if element.Optional {
			return nil, fmt.Errorf("a list's items cannot be optional (%v)", t)
		}
		return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_LIST, Element: element}, nil
	case reflect.Struct:
		if o, ok := m.byType[t]; ok {
			return &pb.TypeRef{Kind: pb.TypeKind_TYPE_KIND_OBJECT, Name: o.def.Name}, nil
		}
		return nil, fmt.Errorf("struct %v is not registered with Object", t)
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Struct {
			return m.typeRef(t.Elem()) // *Object is an object, as Object is
		}
		inner, err := m.typeRef(t.Elem())
		if err != nil {
			return nil, err
		}
		if inner.Optional {
			return nil, fmt.Errorf("%v: a pointer to a pointer", t)
		}
		inner.Optional = true
		return inner, nil
	}
	return nil, fmt.Errorf("%v has no host type: use string, int, int64, float64, bool, a slice, a pointer (optional), an Enum, an Object or a core type (hostsdk.Container, ...)", t)
}

// definition is the module's schema, or every registration mistake found.
func (m *Module) definition() (*pb.ModuleDef, error) {
	if !m.resolved {
		m.resolved = true
		for _, o := range m.objects {
			o.fieldsOf()
		}
		for _, o := range m.objects {
			for _, p := range o.pending {
				o.register(p.method, p.description, p.options...)
			}
		}
	}
	if len(m.objects) == 0 {
		m.problem("the module declares no object: register its main object with m.Object")
	}
	if len(m.problems) > 0 {
		return nil, fmt.Errorf("module '%s' is declared wrongly:\n  %s", m.name, strings.Join(m.problems, "\n  "))
	}
	def := &pb.ModuleDef{Name: m.name, Version: m.version, Description: m.description,
		MainObject: m.objects[0].def.Name, Sdk: "go"}
	for _, o := range m.objects {
		def.Objects = append(def.Objects, o.def)
	}
	for _, t := range m.enumOrder {
		def.Enums = append(def.Enums, m.enums[t])
	}
	return def, nil
}

// SnakeCase turns a Go name into the schema's: BracketsViaCpp -> brackets_via_cpp, HTTPGet ->
// http_get.
func SnakeCase(name string) string {
	runes := []rune(name)
	var out []rune
	for i, r := range runes {
		if unicode.IsUpper(r) {
			previousLower := i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]))
			nextLower := i > 0 && i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1])
			if previousLower || nextLower {
				out = append(out, '_')
			}
			out = append(out, unicode.ToLower(r))
		} else {
			out = append(out, r)
		}
	}
	return string(out)
}
