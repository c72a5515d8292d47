"""Table tests for k8slab.api.selector.

Tables follow upstream's staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go and
pkg/fields/selector_test.go; the exact error messages were checked against kubectl v1.32
(``kubectl set selector --local`` parses with labels.Parse and prints the error).
"""

import pytest

from k8slab.api.selector import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    FieldRequirement,
    FieldSelector,
    Requirement,
    Selector,
    _lex,
    _split_term,
    _split_terms,
    escape_field_value,
    field_selector_from_set,
    label_selector_to_string,
    new_requirement,
    parse_field_selector,
    parse_selector,
    selector_from_label_selector,
    selector_from_set,
    unescape_field_value,
)

QNAME_REGEX_ERROR = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE_ERROR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
DNS1123_SUBDOMAIN_ERROR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
OPERATORS = "in, notin, =, ==, !=, gt, lt"


def req(key, op, *values):
    return Requirement(key, op, tuple(values))


# ------------------------------------------------------------------- label selector parse


@pytest.mark.parametrize(
    "text",
    # upstream TestSelectorParse testGoodStrings: String() is the input without spaces
    ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"],
)
def test_parse_selector_restring(text):
    assert str(parse_selector(text)) == text.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    # upstream TestSelectorParse testBadStrings
    ["x=a||y=b", "x==a==b", "!x=a", "x<a"],
)
def test_parse_selector_bad(text):
    with pytest.raises(ValueError):
        parse_selector(text)


def test_parse_selector_is_deterministic():
    assert str(parse_selector("x=a,a=x")) == str(parse_selector("a=x,x=a")) == "a=x,x=a"


# upstream TestSetSelectorParser: (input, requirements) with None for "invalid"
SET_SELECTOR_PARSER = [
    ("", ()),
    ("\rx", (req("x", EXISTS),)),
    ("this-is-a-dns.domain.com/key-with-dash", (req("this-is-a-dns.domain.com/key-with-dash", EXISTS),)),
    (
        "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        (req("this-is-another-dns.domain.com/key-with-dash", IN, "so", "what"),),
    ),
    (
        "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
        (req("0.1.2.domain/99", NOT_IN, "10.10.100.1", "tick.tack.clock"),),
    ),
    ("foo  in\t (abc)", (req("foo", IN, "abc"),)),
    ("x notin\n (abc)", (req("x", NOT_IN, "abc"),)),
    ("x  notin\t\t\t(abc,def)", (req("x", NOT_IN, "abc", "def"),)),
    ("x in (abc,def)", (req("x", IN, "abc", "def"),)),
    ("x in (abc,)", (req("x", IN, "", "abc"),)),
    ("x in ()", (req("x", IN, ""),)),
    (
        "x notin (abc,,def),bar,z in (),w",
        (req("bar", EXISTS), req("w", EXISTS), req("x", NOT_IN, "", "abc", "def"), req("z", IN, "")),
    ),
    ("x,y in (a)", (req("x", EXISTS), req("y", IN, "a"))),
    ("x=a", (req("x", EQUALS, "a"),)),
    ("x>1", (req("x", GREATER_THAN, "1"),)),
    ("x<7", (req("x", LESS_THAN, "7"),)),
    ("x=a,y!=b", (req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b"))),
    ("x=a,y!=b,z in (h,i,j)", (req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b"), req("z", IN, "h", "i", "j"))),
    ("x=a||y=b", None),
    ("x,y", (req("x", EXISTS), req("y", EXISTS))),
    (",x,y", None),
    ("x nott in (y)", None),
    ("x notin ( )", (req("x", NOT_IN, ""),)),
    ("x notin (, a)", (req("x", NOT_IN, "", "a"),)),
    ("a in (xyz),", None),
    ("a in (xyz)b notin ()", None),
    ("a ", (req("a", EXISTS),)),
    ("a in (x,y,notin, z,in)", (req("a", IN, "in", "notin", "x", "y", "z"),)),  # 'in' inside a list
    ("a in (xyz abc)", None),  # no comma
    ("a notin(", None),  # badly formed
    ("a (", None),
    ("(", None),
    # more
    ("x==a", (req("x", DOUBLE_EQUALS, "a"),)),
    ("notin=in", (req("notin", EQUALS, "in"),)),  # in and notin as key and value
    ("x in (b,a,b)", (req("x", IN, "a", "b"),)),  # values are a sorted set
    ("!x,x", (req("x", DOES_NOT_EXIST), req("x", EXISTS))),  # sort by key is stable
    ("example.com/app=web", (req("example.com/app", EQUALS, "web"),)),
    ("a" * 63, (req("a" * 63, EXISTS),)),
    ("a" * 64, None),
    ("k=" + "v" * 63, (req("k", EQUALS, "v" * 63),)),
    ("k=" + "v" * 64, None),
    ("x>-1", None),  # "-1" is an integer but not a valid label value
    ("x>99999999999999999999", None),  # overflows int64
]


@pytest.mark.parametrize(("text", "expected"), SET_SELECTOR_PARSER)
def test_parse_selector_requirements(text, expected):
    if expected is None:
        with pytest.raises(ValueError):
            parse_selector(text)
    else:
        assert parse_selector(text).requirements == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # each checked against kubectl v1.32
        ("a b", f"unable to parse requirement: found 'b', expected: {OPERATORS}"),
        ("x nott in (y)", f"unable to parse requirement: found 'nott', expected: {OPERATORS}"),
        ("a (", f"unable to parse requirement: found '(', expected: {OPERATORS}"),
        ("k=a b", "found 'b', expected: ',' or 'end of string'"),
        ("a=b=c", "found '=', expected: ',' or 'end of string'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        ("a in (xyz),", "found '', expected: identifier after ','"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("(", "found '(', expected: !, identifier, or 'end of string'"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("x in (=", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in =", "unable to parse requirement: found '=' expected: '('"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("x=!=", "unable to parse requirement: found '!=', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        (
            "a/b/c=d",
            'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name '
            + QNAME_REGEX_ERROR
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
        (
            "a/=b",
            'unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; name part '
            + QNAME_REGEX_ERROR,
        ),
        ("/a", 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'),
        (
            "A.B/c=d",
            'unable to parse requirement: <nil>: Invalid value: "A.B/c": prefix part ' + DNS1123_SUBDOMAIN_ERROR,
        ),
        ("-a", 'unable to parse requirement: <nil>: Invalid value: "-a": name part ' + QNAME_REGEX_ERROR),
        ("~", 'unable to parse requirement: <nil>: Invalid value: "~": name part ' + QNAME_REGEX_ERROR),
        ("é", 'unable to parse requirement: <nil>: Invalid value: "é": name part ' + QNAME_REGEX_ERROR),
        (
            "a" * 64,
            f'unable to parse requirement: <nil>: Invalid value: "{"a" * 64}": name part must be no more than 63 characters',
        ),
        ("k=v-", 'unable to parse requirement: values[0][k]: Invalid value: "v-": ' + LABEL_VALUE_ERROR),
        ("x=a||y", 'unable to parse requirement: values[0][x]: Invalid value: "a||y": ' + LABEL_VALUE_ERROR),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, "
            "the value must be an integer",
        ),
        (
            "x>a-",
            "unable to parse requirement: [values[0]: Invalid value: \"a-\": for 'Gt', 'Lt' operators, "
            'the value must be an integer, values[0][x]: Invalid value: "a-": ' + LABEL_VALUE_ERROR + "]",
        ),
    ],
)
def test_parse_selector_error_messages(text, message):
    with pytest.raises(ValueError) as exc:
        parse_selector(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # upstream TestLexer: (input, first token literal is the input)
        ("", [("", "EOS")]),
        (",", [(",", "TOK")]),
        ("notin", [("notin", "TOK")]),
        ("in", [("in", "TOK")]),
        ("=", [("=", "TOK")]),
        ("==", [("==", "TOK")]),
        (">", [(">", "TOK")]),
        ("<", [("<", "TOK")]),
        ("!", [("!", "TOK")]),
        ("!=", [("!=", "TOK")]),
        ("(", [("(", "TOK")]),
        (")", [(")", "TOK")]),
        ("~", [("~", "ID")]),  # non-special characters make identifiers
        ("||", [("||", "ID")]),
        # upstream TestLexerSequence
        ("key in ( value )", [("key", "ID"), ("in", "TOK"), ("(", "TOK"), ("value", "ID"), (")", "TOK")]),
        ("key>2", [("key", "ID"), (">", "TOK"), ("2", "ID")]),
        ("key<1", [("key", "ID"), ("<", "TOK"), ("1", "ID")]),
        ("!key", [("!", "TOK"), ("key", "ID")]),
        ("== != (), = notin", [("==", "TOK"), ("!=", "TOK"), ("(", "TOK"), (")", "TOK"), (",", "TOK"), ("=", "TOK"), ("notin", "TOK")]),
        ("!==", [("!=", "TOK"), ("=", "TOK")]),  # the longest token first
    ],
)
def test_lexer(text, tokens):
    from k8slab.api import selector as sel

    scanned = _lex(text)
    assert scanned[-1] == (sel._EOS, "")
    got = [(lit, "ID" if tok == sel._IDENTIFIER else "EOS" if tok == sel._EOS else "TOK") for tok, lit in scanned]
    if text:
        got = got[:-1]
    assert got == tokens


# ----------------------------------------------------------------------- label matching

MATCH_TABLE = [
    # upstream TestSelectorMatches
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
    ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    # upstream TestRequirementSelectorMatching
    ("x in (foo),y notin (alpha)", {"x": "foo", "y": "baz"}, True),
    ("x in (foo),y in (alpha)", {"x": "foo", "y": "baz"}, False),
    ("x notin (),y", {"y": ""}, True),
    ("!x,y", {"y": ""}, True),
    ("x notin (),!y", {"y": ""}, False),
    ("x in ()", {"y": "baz"}, False),
    ("z>1", {"z": "2"}, True),
    ("z>1", {"z": "v2"}, False),
    # more
    ("x in ()", {"x": ""}, True),
    ("x notin (a,b)", {}, True),  # notin matches a missing key
    ("x notin (a,b)", {"x": "a"}, False),
    ("x notin (a,b)", {"x": "c"}, True),
    ("x!=a", {}, True),
    ("x in (a,b)", {"x": "b"}, True),
    ("x in (a,b)", {}, False),
    ("x=", {}, False),
    ("x=", {"x": ""}, True),
    ("x>1", {}, False),
    ("x>007", {"x": "8"}, True),
    ("x<10", {"x": "-5"}, True),
    ("x<10", {"x": "1e1"}, False),  # label values must parse as int64
    ("x>1", {"x": "99999999999999999999"}, False),
    ("x>1", {"x": "+2"}, True),
    ("app=web,tier in (fe,be),!canary", {"app": "web", "tier": "be"}, True),
    ("app=web,tier in (fe,be),!canary", {"app": "web", "tier": "be", "canary": "true"}, False),
    ("app=web", None, False),
    ("", None, True),
    ("!x", None, True),
]


@pytest.mark.parametrize(("text", "labels", "expected"), MATCH_TABLE)
def test_selector_matches(text, labels, expected):
    assert parse_selector(text).matches(labels) is expected


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        # upstream TestSetMatches
        ({}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "bar"}, {"foo": "bar", "baz": "blah"}, True),
        ({"baz": "blah"}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "bar", "baz": "blah"}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "=blah"}, {"foo": "bar", "baz": "blah"}, False),
        ({"foo": "bar", "foobar": "bar"}, {"foo": "bar", "baz": "blah"}, False),
        (None, {"a": "b"}, True),
    ],
)
def test_selector_from_set(selector, labels, expected):
    s = selector_from_set(selector)
    assert s.matches(labels) is expected
    assert s.empty() is (not selector)


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        # upstream TestToString
        ((req("x", IN, "abc", "def"), req("y", NOT_IN, "jkl"), req("z", EXISTS)), "x in (abc,def),y notin (jkl),z"),
        ((req("x", NOT_IN, "abc", "def"), req("y", NOT_EQUALS, "jkl"), req("z", DOES_NOT_EXIST)), "x notin (abc,def),y!=jkl,!z"),
        ((req("x", NOT_IN, "abc"), req("y", IN, "jkl", "mno"), req("z", NOT_IN, "")), "x notin (abc),y in (jkl,mno),z notin ()"),
        ((req("x", EQUALS, "abc"), req("y", DOUBLE_EQUALS, "jkl"), req("z", NOT_EQUALS, "a"), req("z", EXISTS)), "x=abc,y==jkl,z!=a,z"),
        ((req("x", GREATER_THAN, "2"), req("y", LESS_THAN, "8"), req("z", EXISTS)), "x>2,y<8,z"),
        # values print sorted without changing the requirement (upstream safeSort)
        ((req("x", IN, "foo", "bar", "foo"),), "x in (bar,foo,foo)"),
        ((req("b", EXISTS), req("a", EQUALS, "1")), "a=1,b"),  # requirements sort by key
        ((), ""),
    ],
)
def test_selector_string(requirements, expected):
    assert str(Selector(requirements)) == expected


@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [
        # upstream TestRequirementConstructor
        ("x", IN, None, False),
        ("x", NOT_IN, [], False),
        ("x", IN, ["foo"], True),
        ("x", NOT_IN, ["foo"], True),
        ("x", EXISTS, None, True),
        ("x", DOES_NOT_EXIST, None, True),
        ("1foo", IN, ["bar"], True),
        ("1234", IN, ["bar"], True),
        ("y", GREATER_THAN, ["1"], True),
        ("z", LESS_THAN, ["6"], True),
        ("foo", GREATER_THAN, ["bar"], False),
        ("barz", LESS_THAN, ["blah"], False),
        ("a" * 254, EXISTS, None, False),
        # more
        ("x", EQUALS, ["a", "b"], False),
        ("x", EQUALS, [], False),
        ("x", GREATER_THAN, ["1", "2"], False),
        ("x", "bogus", ["a"], False),
        ("x", EXISTS, ["a"], False),
        ("x", IN, ["", "a"], True),
    ],
)
def test_new_requirement(key, op, values, ok):
    if ok:
        r = new_requirement(key, op, values)
        assert r == Requirement(key, op, tuple(values or ()))
    else:
        with pytest.raises(ValueError):
            new_requirement(key, op, values)


def test_new_requirement_unsupported_operator_message():
    with pytest.raises(ValueError) as exc:
        new_requirement("x", "bogus", ["a"])
    assert str(exc.value) == (
        'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", '
        '"gt", "lt", "exists", "!"'
    )


def test_everything_and_nothing():
    everything, nothing = Selector.everything(), Selector.nothing()
    assert everything.matches({"x": "y"}) and everything.matches({})
    assert everything.empty() and not everything.matches_nothing()
    assert not nothing.matches({"x": "y"}) and not nothing.matches({})
    assert not nothing.empty() and nothing.matches_nothing()
    assert str(everything) == str(nothing) == ""
    assert everything != nothing
    assert nothing.add(req("a", EXISTS)) is nothing
    assert parse_selector("") == everything


def test_selector_add_and_requires_exact_match():
    s = parse_selector("b=2").add(req("a", IN, "1"), req("c", IN, "x", "y"))
    assert str(s) == "a in (1),b=2,c in (x,y)"
    assert s.requires_exact_match("a") == "1"
    assert s.requires_exact_match("b") == "2"
    assert s.requires_exact_match("c") is None  # two values
    assert s.requires_exact_match("d") is None
    assert parse_selector("a!=1").requires_exact_match("a") is None


def test_selector_is_immutable_and_hashable():
    s = parse_selector("a=1,b in (x,y)")
    with pytest.raises(AttributeError):
        s.requirements = ()
    assert hash(s) == hash(parse_selector("b in (y,x),a=1"))
    assert s == parse_selector("b in (y,x),a=1")
    assert {s: 1}[parse_selector("a=1,b in (x,y)")] == 1


# ------------------------------------------------------------------- metav1.LabelSelector

LABEL_SELECTOR_TABLE = [
    # (LabelSelector, String(), labels that match, labels that don't)
    (None, "", None, {}),  # nil selects nothing
    ({}, "", {}, None),  # empty selects everything
    ({"matchLabels": {}, "matchExpressions": []}, "", {"a": "b"}, None),
    ({"matchLabels": None}, "", {"a": "b"}, None),
    ({"matchLabels": {"app": "nginx"}}, "app=nginx", {"app": "nginx", "x": "y"}, {"app": "web"}),
    (
        {"matchLabels": {"pod-template-hash": "abc", "app": "nginx"}},
        "app=nginx,pod-template-hash=abc",
        {"app": "nginx", "pod-template-hash": "abc"},
        {"app": "nginx"},
    ),
    (
        {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "backend"]}]},
        "tier in (backend,frontend)",
        {"tier": "backend"},
        {"tier": "db"},
    ),
    (
        {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]},
        "env notin (dev)",
        {},
        {"env": "dev"},
    ),
    ({"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}, "gpu", {"gpu": ""}, {}),
    ({"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}, "!gpu", {}, {"gpu": "a"}),
    (
        {
            "matchLabels": {"app": "x"},
            "matchExpressions": [
                {"key": "tier", "operator": "NotIn", "values": ["b", "a"]},
                {"key": "env", "operator": "DoesNotExist", "values": []},
            ],
        },
        "app=x,!env,tier notin (a,b)",
        {"app": "x", "tier": "c"},
        {"app": "x", "env": "prod"},
    ),
    (
        {"matchLabels": {"app": "x"}, "matchExpressions": [{"key": "app", "operator": "In", "values": ["x", "y"]}]},
        "app=x,app in (x,y)",
        {"app": "x"},
        {"app": "y"},
    ),
]


@pytest.mark.parametrize(("ls", "string", "match", "no_match"), LABEL_SELECTOR_TABLE)
def test_selector_from_label_selector(ls, string, match, no_match):
    s = selector_from_label_selector(ls)
    assert str(s) == string
    if match is not None:
        assert s.matches(match)
    if no_match is not None:
        assert not s.matches(no_match)


@pytest.mark.parametrize(
    ("ls", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "Foo", "values": ["x"]}]}, '"Foo" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]}, '"in" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "a", "values": ["x"]}]}, '"" is not a valid label selector operator'),
        (
            {"matchExpressions": [{"key": "a", "operator": "In"}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "NotIn", "values": []}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x", "y"]}]},
            'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
        ),
        ({"matchLabels": {"app": "web!"}}, 'values[0][app]: Invalid value: "web!": ' + LABEL_VALUE_ERROR),
        ({"matchLabels": {"-app": "web"}}, 'key: Invalid value: "-app": name part ' + QNAME_REGEX_ERROR),
        (
            {"matchLabels": {"a/": "x-"}},
            '[key: Invalid value: "a/": name part must be non-empty; name part '
            + QNAME_REGEX_ERROR
            + ', values[0][a/]: Invalid value: "x-": '
            + LABEL_VALUE_ERROR
            + "]",
        ),
        (
            {"matchExpressions": [{"key": "", "operator": "Exists"}]},
            'key: Invalid value: "": name part must be non-empty; name part ' + QNAME_REGEX_ERROR,
        ),
    ],
)
def test_selector_from_label_selector_errors(ls, message):
    with pytest.raises(ValueError) as exc:
        selector_from_label_selector(ls)
    assert str(exc.value) == message
    assert label_selector_to_string(ls) == "<error>"


@pytest.mark.parametrize(
    ("ls", "expected"),
    [
        # upstream metav1.FormatLabelSelector, what kubectl prints in SELECTOR columns
        ({"matchLabels": {"app": "nginx", "pod-template-hash": "abc"}}, "app=nginx,pod-template-hash=abc"),
        ({"matchLabels": {"app": "nginx"}}, "app=nginx"),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["y", "x"]}]}, "a in (x,y)"),
        ({}, "<none>"),
        (None, "<none>"),
        ({"matchExpressions": [{"key": "a", "operator": "Bad"}]}, "<error>"),
    ],
)
def test_label_selector_to_string(ls, expected):
    assert label_selector_to_string(ls) == expected


@pytest.mark.parametrize("bad", [[], "app=web", {"matchLabels": ["a"]}, {"matchExpressions": {"key": "a"}},
                                 {"matchLabels": {"a": 1}}, {"matchExpressions": ["a"]}])
def test_selector_from_label_selector_rejects_malformed(bad):
    with pytest.raises(ValueError):
        selector_from_label_selector(bad)


# ----------------------------------------------------------------------- field selectors


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # upstream fields TestSplitTerms
        ("a", ["a"]),
        ("a=avalue", ["a=avalue"]),
        ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
        ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
        ("", []),
        ("a=a,", ["a=a", ""]),
        (",a=a", ["", "a=a"]),
        ("k=\\,,k2=v2", ["k=\\,", "k2=v2"]),
        ("k=\\\\,k2=v2", ["k=\\\\", "k2=v2"]),
        ("k=\\\\\\,,k2=v2", ["k=\\\\\\,", "k2=v2"]),
        ("k=\\a\\b\\", ["k=\\a\\b\\"]),
        ("k=\\", ["k=\\"]),
        ("함=수,목=록", ["함=수", "목=록"]),
    ],
)
def test_field_split_terms(text, terms):
    assert _split_terms(text) == terms


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # upstream fields TestSplitTerm
        ("a=value", ("a", "=", "value")),
        ("b==value", ("b", "==", "value")),
        ("c!=value", ("c", "!=", "value")),
        ("", None),
        ("a", None),
        ("k=\\,", ("k", "=", "\\,")),
        ("k=\\=", ("k", "=", "\\=")),
        ("k=\\\\\\a\\b\\=\\,\\", ("k", "=", "\\\\\\a\\b\\=\\,\\")),
        ("함=수", ("함", "=", "수")),
    ],
)
def test_field_split_term(term, expected):
    assert _split_term(term) == expected


@pytest.mark.parametrize(
    ("raw", "escaped"),
    # upstream fields TestEscapeValue
    [("", ""), ("a", "a"), ("=", "\\="), (",", "\\,"), ("\\", "\\\\"), ("\\=\\,\\", "\\\\\\=\\\\\\,\\\\")],
)
def test_field_escape_value(raw, escaped):
    assert escape_field_value(raw) == escaped
    assert unescape_field_value(escaped) == raw


@pytest.mark.parametrize(
    ("escaped", "message"),
    [
        ("\\", "invalid field selector: invalid escape sequence: \\"),
        ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
        ("\\a", "invalid field selector: invalid escape sequence: \\a"),
        ("a=b", "invalid field selector: unescaped character in value: 61"),  # upstream prints the rune's number
        ("a,b", "invalid field selector: unescaped character in value: 44"),
    ],
)
def test_field_unescape_invalid(escaped, message):
    with pytest.raises(ValueError) as exc:
        unescape_field_value(escaped)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # upstream fields TestSelectorParse good strings restring to themselves
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("", ""),
        ("x!=a,y=b", "x!=a,y=b"),
        ("x=a||y\\=b", "x=a||y\\=b"),
        ("x=a\\=\\=b", "x=a\\=\\=b"),
        # more
        ("x=a,a=x", "a=x,x=a"),  # terms are sorted
        ("a==b", "a=b"),
        ("metadata.name=web", "metadata.name=web"),
        ("spec.nodeName=,status.phase!=Running", "spec.nodeName=,status.phase!=Running"),
        (",,a=b,,", "a=b"),
        ("=", ""),  # a term with empty field and value is dropped
        ("a=b,!=", "a=b"),
        ("=x", "=x"),
        ("a= b", "a= b"),  # no whitespace trimming
    ],
)
def test_parse_field_selector(text, expected):
    assert str(parse_field_selector(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=a||y=b", "invalid field selector: unescaped character in value: 61"),
        ("x==a==b", "invalid field selector: unescaped character in value: 61"),
        ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
        ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
        ("x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"),
        ("x", "invalid selector: 'x'; can't understand 'x'"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=b\\q", "invalid field selector: invalid escape sequence: \\q"),
    ],
)
def test_parse_field_selector_errors(text, message):
    with pytest.raises(ValueError) as exc:
        parse_field_selector(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "fields", "expected"),
    [
        # upstream fields TestSelectorMatches
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("foo=bar", {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}, True),
        ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}, True),
        ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
        # more: missing fields read as ""
        ("spec.nodeName=", {}, True),
        ("spec.nodeName=", {"spec.nodeName": "node-1"}, False),
        ("spec.nodeName!=", {"spec.nodeName": "node-1"}, True),
        ("status.phase!=Running", {}, True),
        ("status.phase!=Running", None, True),
        ("metadata.name=web", None, False),
    ],
)
def test_field_selector_matches(text, fields, expected):
    assert parse_field_selector(text).matches(fields) is expected


def test_field_selector_requirements_and_exact_match():
    s = parse_field_selector("status.phase!=Running,spec.nodeName==node-1,metadata.name=a\\,b")
    assert s.requirements == (
        FieldRequirement("metadata.name", EQUALS, "a,b"),
        FieldRequirement("spec.nodeName", EQUALS, "node-1"),
        FieldRequirement("status.phase", NOT_EQUALS, "Running"),
    )
    assert str(s) == "metadata.name=a\\,b,spec.nodeName=node-1,status.phase!=Running"
    assert s.requires_exact_match("spec.nodeName") == "node-1"
    assert s.requires_exact_match("status.phase") is None  # != is not an exact match
    assert s.requires_exact_match("x") is None
    assert parse_field_selector("spec.nodeName=").requires_exact_match("spec.nodeName") == ""
    assert not s.empty()


def test_field_selector_everything_and_from_set():
    everything = FieldSelector.everything()
    assert everything.empty() and everything.matches({"a": "b"}) and str(everything) == ""
    assert parse_field_selector("") == everything
    s = field_selector_from_set({"spec.nodeName": "n1", "metadata.namespace": "default"})
    assert str(s) == "metadata.namespace=default,spec.nodeName=n1"
    assert s.matches({"spec.nodeName": "n1", "metadata.namespace": "default"})
    assert not s.matches({"spec.nodeName": "n2", "metadata.namespace": "default"})
    assert field_selector_from_set(None) == everything
    assert hash(s) == hash(field_selector_from_set({"metadata.namespace": "default", "spec.nodeName": "n1"}))
    with pytest.raises(AttributeError):
        s.requirements = ()


def test_matches_many_pods_quickly():
    # matches() runs in hot loops (every pod for every controller); keep it cheap
    import time

    s = selector_from_label_selector(
        {"matchLabels": {"app": "web", "tier": "fe"}, "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}
    )
    pods = [{"app": "web" if i % 3 else "db", "tier": "fe", "env": "prod", "pod-template-hash": str(i)} for i in range(30000)]
    start = time.perf_counter()
    matched = sum(map(s.matches, pods))
    elapsed = time.perf_counter() - start
    assert matched == 20000
    assert elapsed < 1.0
