package dev.jitbot.deploy;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A chat endpoint mounted before its module exists: answers 503 (so Slack and Bot Framework retry) until the
 * module's servlet is handed over once the database and core are up.
 */
final class LateServlet extends HttpServlet {

    private final String what;
    private transient volatile HttpServlet target;

    LateServlet(String what) {
        this.what = what;
    }

    /** Initialises {@code servlet} with this servlet's config and routes every later request to it. */
    void become(HttpServlet servlet) throws ServletException {
        servlet.init(getServletConfig());
        target = servlet;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        HttpServlet t = target;
        if (t == null) {
            resp.setStatus(503);
            resp.setHeader("Retry-After", "5");
            resp.setContentType("text/plain; charset=utf-8");
            resp.getWriter().println(what + " is starting; try again in a few seconds.");
            return;
        }
        t.service(req, resp);
    }

    @Override
    public void destroy() {
        HttpServlet t = target;
        if (t != null) {
            t.destroy();
        }
    }
}
