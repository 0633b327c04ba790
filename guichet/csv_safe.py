import json

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cellule_csv(value):
    """A cell value safe to open in a spreadsheet: structures as JSON, formulas neutralised with a quote."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
