"""Reading manifests like kubectl: documents, Lists, files, directories, go-yaml types, errors."""

import pytest

from k8slab.kubectl import KubectlError, load_manifests
from k8slab.kubectl.manifests import split_documents

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {n}\nspec:\n  containers:\n  - name: c\n    image: nginx\n"


def test_documents_lists_and_empty_documents():
    text = ("---\n" + POD.format(n="a") + "---\n# only a comment\n---\n\n--- \n" + POD.format(n="b") +
            "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: dev}}\n"
            "- apiVersion: v1\n  kind: PodList\n  items: [{apiVersion: v1, kind: Pod, metadata: {name: c}}]\n")
    objs = load_manifests(text)
    assert [(o["kind"], o["metadata"]["name"]) for o in objs] == [
        ("Pod", "a"), ("Pod", "b"), ("Namespace", "dev"), ("Pod", "c")]


def test_document_separator_is_a_line_of_three_dashes():
    assert split_documents("a: 1\n---\nb: 2\n--- # not a separator\nc: 3\n---x\n") == [
        "a: 1\n", "b: 2\n--- # not a separator\nc: 3\n---x\n"]


def test_json_dict_and_list_inputs():
    assert load_manifests('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}')[0]["metadata"] == \
        {"name": "x"}
    d = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}
    assert load_manifests(d) == [d] and load_manifests([d, POD.format(n="p")])[1]["kind"] == "Pod"


def test_go_yaml_types():
    obj = load_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
                         "data: {a: yes, b: y, c: 1e3, d: 017, e: 0x10, f: 2025-01-01, g: '1:20', h: 1:20, i: 3.0, "
                         "j: ~, k: 0o17, l: .5}\n")[0]
    assert obj["data"] == {"a": True, "b": True, "c": 1000, "d": 15, "e": 16, "f": "2025-01-01", "g": "1:20",
                           "h": "1:20", "i": 3, "j": None, "k": 15, "l": 0.5}


def test_files_and_directories(tmp_path):
    (tmp_path / "b.yaml").write_text(POD.format(n="b"))
    (tmp_path / "a.yml").write_text(POD.format(n="a"))
    (tmp_path / "c.json").write_text('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}')
    (tmp_path / "notes.txt").write_text("not a manifest")
    assert [o["metadata"]["name"] for o in load_manifests(tmp_path)] == ["a", "b", "c"]
    assert [o["metadata"]["name"] for o in load_manifests(str(tmp_path / "b.yaml"))] == ["b"]
    with pytest.raises(KubectlError) as e:
        load_manifests(str(tmp_path / "nope.yaml"))
    assert str(e.value) == f'error: the path "{tmp_path / "nope.yaml"}" does not exist'


@pytest.mark.parametrize("text,message", [
    # each message checked against kubectl v1.32 (kubectl apply -f - on the same text)
    ("a: b: c\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: mapping values are not allowed in "
                  "this context"),
    ("a:\n  - x\n  y: z\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: did not find "
                            "expected '-' indicator"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {}\n",
     "error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: did not find expected key"),
    ("a: [1, 2\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: line 1: did not find expected ',' "
                   "or ']'"),
    ('a: "x\n', "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: found unexpected end of "
                "stream"),
    ("a:\n\tb: 1\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: found character that "
                     "cannot start any token"),
    ("a: b\nc\nd: e\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: line 3: could not find "
                        "expected ':'"),
    ("key: value\n  bad: x\n", "error: error parsing STDIN: error converting YAML to JSON: yaml: line 2: mapping "
                               "values are not allowed in this context"),
    ("foo: bar\n", 'error: error validating "STDIN": error validating data: [apiVersion not set, kind not set]; if you '
                   "choose to ignore these errors, turn validation off with --validate=false"),
    ("kind: Pod\n", 'error: error validating "STDIN": error validating data: apiVersion not set; if you choose to '
                    "ignore these errors, turn validation off with --validate=false"),
])
def test_errors_read_as_kubectls(text, message):
    with pytest.raises(KubectlError) as e:
        load_manifests(text)
    assert str(e.value) == message


def test_error_names_the_file(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(POD.format(n="ok") + "---\na: b: c\n")
    with pytest.raises(KubectlError) as e:
        load_manifests(f)
    assert str(e.value) == (f"error: error parsing {f}: error converting YAML to JSON: yaml: mapping values are not "
                            "allowed in this context")
