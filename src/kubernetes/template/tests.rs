use super::eval::{File, Renderer};
use super::parse::parse;
use super::*;

fn render(template: &str, values: &str) -> Result<String, String> {
    let mut d = Diagnostics::new();
    let v = Value::from_yaml(&parse_yaml(FileId(1), values, &mut d)[0], None);
    let p = parse(template).map_err(|e| e.1)?;
    let mut defines = HashMap::new();
    for (name, body) in &p.defines {
        defines.insert(name.clone(), (0, body.as_slice()));
    }
    let mut r = Renderer::new(
        vec![File {
            id: FileId(0),
            text: template,
            nodes: &p.nodes,
        }],
        defines,
    );
    r.render(0, &root_object(&v, None))
        .map(|o| o.text)
        .map_err(|e| e.1)
}

#[test]
fn actions_trim_markers_and_conditions() {
    // (Keys avoid `y` and `n`: YAML 1.1 reads them as booleans.)
    let t = "a: \"{{ .Values.x }}\"\n  {{- if .Values.w }}\nb: {{ .Values.w }}\n  {{- end }}\nc: {{ .Values.missing }}|\n";
    assert_eq!(
        render(t, "x: 32148\nw: \"\"\n").unwrap(),
        "a: \"32148\"\nc: |\n"
    );
    assert_eq!(
        render(t, "x: 1000000\nw: on\n").unwrap(),
        "a: \"1e+06\"\nb: true\nc: |\n"
    );
}

#[test]
fn defines_includes_pipelines_and_functions() {
    let t = "{{- define \"n\" -}}\n{{- if .Values.a }}{{ .Values.a }}{{ else }}{{ .Values.b }}{{ end }}\n{{- end }}\nx: {{ include \"n\" . | quote }}\ny: {{ printf \"%s-%s\" .Release.Name \"z\" | trunc 5 | trimSuffix \"-\" }}\n{{- with .Values.r }}\nr:\n  {{- toYaml . | nindent 2 }}\n{{- end }}\n";
    let out = render(
        t,
        "a: \"\"\nb: app\nr: {cpu: 2000m, k: 2}\nmetadata: {app_name: abcd}\n",
    )
    .unwrap();
    // The newline after the define's `end` stays, as in Go.
    assert_eq!(out, "\nx: \"app\"\ny: abcd\nr:\n  cpu: 2000m\n  k: 2\n");
}

#[test]
fn helm_errors_are_reported_as_helm_reports_them() {
    let e = render("{{ .Values.mcp.X }}", "mcp:\n").unwrap_err();
    assert!(e.contains("nil pointer evaluating interface {}.X"), "{e}");
    let e = render("{{ if ne .Values.m \"\" }}x{{ end }}", "m: 1\n").unwrap_err();
    assert!(e.contains("incompatible types for comparison"), "{e}");
    assert_eq!(
        render("{{ if ne .Values.m \"\" }}x{{ end }}", "k: 1\n").unwrap(),
        "x"
    );
    let e = render("{{ lookup \"v1\" \"Secret\" \"\" \"\" }}", "k: 1\n").unwrap_err();
    assert!(e.contains("not supported"), "{e}");
    assert!(render("{{ if .Values.a }}", "a: 1\n").is_err());
}

#[test]
fn runaway_templates_stop() {
    let t = "{{- define \"loop\" }}{{ include \"loop\" . }}{{ end }}{{ include \"loop\" . }}";
    assert!(render(t, "a: 1\n").unwrap_err().contains("deep"));
}
