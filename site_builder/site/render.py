"""Rendering: one Jinja environment per build (autoescape, StrictUndefined), site templates first."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

from ..core.config import Config
from ..core.errors import fail
from .markdown import markdown_renderer

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


class _Environment(jinja2.Environment):
    """Contexts are plain dicts: `a.title` looks up the key first instead of failing an attribute lookup."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def template_environment(site_templates: Path) -> jinja2.Environment:
    """The site's own templates override the package's defaults file by file.

    One environment per build, so templates are never checked for changes while it lasts."""
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(site_templates),
                                  jinja2.FileSystemLoader(PACKAGE_TEMPLATES)])
    return _Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                        keep_trailing_newline=True, auto_reload=False)


def referenced_templates(ast: nodes.Template) -> tuple[set[str], set[str]]:
    """The names a template extends, includes or imports: those it needs, and those it includes
    `ignore missing` (or as one of a list, the first found of which is used)."""
    required: set[str] = set()
    maybe: set[str] = set()
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        names = [n for n in meta.find_referenced_templates(nodes.Template([node])) if n]
        optional = isinstance(node, nodes.Include) and (node.ignore_missing or isinstance(node.template, nodes.List)
                                                          or isinstance(node.template, nodes.Tuple))
        (maybe if optional else required).update(names)
    return required, maybe


def template_digests(env: jinja2.Environment, templates: dict[str, str]) -> dict[str, str]:
    """For each page kind of `templates` (kind -> its template), a hash of its template's source and
    of every template it extends, includes or imports."""
    optional: set[str] = set()
    cache: dict[str, tuple[str, set[str]]] = {}

    def source_and_refs(name: str) -> tuple[str, set[str]]:
        if name not in cache:
            try:
                source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                if name not in optional:
                    raise
                cache[name] = ("\0missing", set())     # one added later changes the digest
                return cache[name]
            required, maybe = referenced_templates(env.parse(source, name, filename))
            optional.update(maybe - required)
            cache[name] = (source, required | maybe)
        return cache[name]

    def closure(name: str) -> list[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += source_and_refs(current)[1]
        return sorted(seen)

    def digest(kind: str, name: str) -> str:
        try:
            return hashlib.blake2b("".join(n + source_and_refs(n)[0] for n in closure(name)).encode(),
                                   digest_size=12).hexdigest()
        except jinja2.TemplateNotFound as error:
            if error.name != name:
                raise
            raise fail(name, None, f"the template of page kind '{kind}' is not found",
                       f"add {name} to the site's templates/ folder") from None

    return {kind: digest(kind, name) for kind, name in templates.items()}


class Renderer:
    """Turns a page's context into its bytes, through a template."""

    def __init__(self, config: Config, site_templates: Path, urls: dict[str, str]) -> None:
        """`urls`: the addresses the templates link to (`urls.feed`), from the page kinds."""
        self.env = template_environment(site_templates)
        self.env.globals["site"] = {"title": config.title, "description": config.description,
                                    "language": config.language, "base": config.base_path,
                                    "search": config.search}
        self.env.globals["urls"] = urls
        self.html_policy = config.html_policy
        self.markdown = lru_cache(maxsize=4096)(markdown_renderer(config.html_policy))

    def render(self, name: str, context: dict[str, Any]) -> bytes:
        """The page the template `name` makes of `context`."""
        try:
            return self.env.get_template(name).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as error:
            raise fail(error.filename or name, error.lineno, f"template error: {error.message}",
                       "fix the template syntax") from None
        except jinja2.TemplateError as error:
            raise fail(template_path(self.env, name), None, f"template error: {error}",
                       "check the variable names the template uses") from None


def template_path(env: jinja2.Environment, name: str) -> str:
    try:
        _, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        return filename or name
    except jinja2.TemplateNotFound:
        return name
