package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"naober.nl/naober/internal/people"
)

// openAPI serves the OpenAPI 3 document, built from the registered routes
// and the Go types they read and write, so it cannot drift from the code.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(s.openAPIDoc)
}

func buildOpenAPI(routes []apiRoute) ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		op := map[string]any{"summary": rt.Doc.Summary, "operationId": operationID(rt.Method, rt.Path)}
		if rt.Doc.Tag != "" {
			op["tags"] = []string{rt.Doc.Tag}
		}
		if rt.Doc.Public {
			op["security"] = []any{}
		} else if rt.Doc.Roles != "" {
			op["description"] = "Rollen: " + rt.Doc.Roles + "."
		}
		var params []any
		for _, seg := range strings.Split(rt.Path, "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range rt.Doc.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Doc.Body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Doc.Body))}}}
		}
		status := rt.Doc.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{}
		if rt.Doc.Response == nil {
			resp["204"] = map[string]any{"description": "Gelukt, zonder inhoud"}
		} else {
			resp[itoa(status)] = map[string]any{"description": "Gelukt", "content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Doc.Response))}}}
		}
		errRef := map[string]any{"description": "Fout", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Fout"}}}}
		for _, c := range []string{"401", "403", "404", "409", "422", "503"} {
			if rt.Doc.Public && (c == "401" || c == "403") {
				continue
			}
			resp[c] = errRef
		}
		op["responses"] = resp
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	g.defs["Fout"] = g.schema(reflect.TypeOf(apiError{}))
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "naober API", "version": "1",
			"description": "De JSON-API van naober. Inloggen met een sessie of met Authorization: Bearer <token> (naober user add --token). Een doel voor het auditlog kan mee in de header Naober-Doel."},
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      paths,
		"security":   []any{map[string]any{"bearer": []any{}}, map[string]any{"sessie": []any{}}},
		"components": map[string]any{"schemas": g.defs, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "sessie": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		seg = strings.Trim(seg, "{}")
		if seg == "" || seg == "api" || seg == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(seg[:1]) + strings.ReplaceAll(seg[1:], "_", ""))
	}
	return b.String()
}

type schemaGen struct {
	defs map[string]any
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(people.Date{})
)

// schema describes a Go type as the JSON it marshals to.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date", "nullable": true}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64, reflect.Uint64, reflect.Uint:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder against recursion
			props := map[string]any{}
			g.fields(t, props)
			def := map[string]any{"type": "object", "properties": props}
			g.defs[name] = def
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType && ft != dateType {
				g.fields(ft, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
	}
}

func schemaName(t reflect.Type) string {
	name := t.Name()
	if i := strings.Index(name, "["); i >= 0 { // generic: itemsOf[...]
		inner := name[i+1 : len(name)-1]
		if j := strings.LastIndex(inner, "."); j >= 0 {
			inner = inner[j+1:]
		}
		name = name[:i] + "_" + inner
	}
	pkg := t.PkgPath()
	if j := strings.LastIndex(pkg, "/"); j >= 0 {
		pkg = pkg[j+1:]
	}
	if pkg != "" && pkg != "web" {
		name = pkg + "." + name
	}
	return name
}

// sortedPatterns is for tests and debugging.
func sortedPatterns(p []string) []string {
	out := append([]string(nil), p...)
	sort.Strings(out)
	return out
}
