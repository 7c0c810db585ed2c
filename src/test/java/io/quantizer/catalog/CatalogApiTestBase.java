package io.quantizer.catalog;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import io.quantizer.storage.ObjectStore;

/** Base of the catalog API tests: a {@link CatalogClient} on the test's running application. */
public abstract class CatalogApiTestBase {

    @Autowired
    private ApplicationContext context;

    protected CatalogClient api;
    protected ObjectStore store;

    @BeforeEach
    void connect() {
        api = CatalogClient.of(context);
        store = api.store();
    }
}
