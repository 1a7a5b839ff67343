// The search page: Pagefind's index of the document pages, searched in the
// browser. The index and Pagefind's runtime are files of this site
// (pagefind/); the page links stay relative, so the site works under any
// sub-path. Results are rebuilt from text nodes and <mark> alone: the
// excerpt is the documents' text, and text is never markup.
(() => {
  "use strict";

  const root = document.currentScript.dataset.root;
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-input");
  const year = document.getElementById("filter-year");
  const section = document.getElementById("filter-section");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");

  let loading;
  function pagefind() {
    loading ??= (async () => {
      const module = await import(new URL(`${root}pagefind/pagefind.js`, location.href).href);
      await module.options({ baseUrl: new URL(root, location.href).pathname });
      await module.init();
      return module;
    })();
    return loading;
  }

  function fill(select, counts) {
    for (const value of Object.keys(counts || {}).sort().reverse()) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.append(option);
    }
  }

  // The excerpt as nodes: its text, and its <mark>s as marks.
  function excerpt(html) {
    const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body;
    const p = document.createElement("p");
    p.className = "excerpt";
    for (const node of parsed.firstChild ? parsed.firstChild.childNodes : []) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.append(mark);
      } else {
        p.append(document.createTextNode(node.textContent));
      }
    }
    return p;
  }

  async function run() {
    const query = input.value.trim();
    list.replaceChildren();
    if (!query) {
      status.textContent = "";
      return;
    }
    status.textContent = "正在检索……";
    try {
      const search = await pagefind();
      const filters = {};
      if (year.value) filters.year = year.value;
      if (section.value) filters.section = section.value;
      const found = await search.search(query, { filters });
      const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
      for (const result of results) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.meta.title || result.url;
        const heading = document.createElement("h2");
        heading.append(link);
        // Where it was published: the same document may be in more than one issue.
        const where = document.createElement("p");
        where.className = "result-meta";
        where.textContent = [result.meta.issue, ...(result.filters?.section || [])]
          .filter(Boolean).join("　");
        const text = excerpt(result.excerpt);
        // A document in another script or language than the site's says so.
        const lang = result.meta.lang;
        if (lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) && lang !== document.documentElement.lang) {
          heading.lang = lang;
          text.lang = lang;
        }
        item.append(heading, where, text);
        list.append(item);
      }
      status.textContent = found.results.length === 0
        ? `没有找到与“${query}”相关的文件。`
        : `找到 ${found.results.length} 件与“${query}”相关的文件。`;
    } catch (error) {
      status.textContent = location.protocol === "file:"
        ? "从本地磁盘打开时浏览器不允许载入检索索引；请通过网站服务器访问本页。"
        : `检索索引无法载入：${error.message}`;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", input.value.trim());
    history.replaceState(null, "", url);
    run();
  });
  for (const select of [year, section]) select.addEventListener("change", run);

  const asked = new URL(location.href).searchParams.get("q");
  if (asked) input.value = asked;
  pagefind()
    .then(async (search) => {
      const filters = await search.filters();
      fill(year, filters.year);
      fill(section, filters.section);
      if (asked) run();
    })
    .catch(() => {
      if (asked) run();
    });
})();
