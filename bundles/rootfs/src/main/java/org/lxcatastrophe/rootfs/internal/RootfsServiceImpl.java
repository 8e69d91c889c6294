package org.lxcatastrophe.rootfs.internal;

import java.nio.file.Path;

import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsService;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.osgi.service.component.annotations.Component;

/** Opens rootfs directories for reading and for writing with the id shift. */
@Component(service = RootfsService.class)
public class RootfsServiceImpl implements RootfsService {

    @Override
    public RootfsView view(Path rootfs) {
        return new SafeRootfsView(rootfs);
    }

    @Override
    public RootfsWriter writer(Path rootfs, IdRange ids) {
        return new SafeRootfsWriter(rootfs, ids);
    }
}
