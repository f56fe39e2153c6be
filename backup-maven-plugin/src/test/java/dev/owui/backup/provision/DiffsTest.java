package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DiffsTest {
    @Test
    void secretsInTheUsersOwnCrontabLinesNeverReachTheDiff() {
        String before = "MAILTO=ops@example.com\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\nexport DB_PASSWORD=hunter2\n";
        String after = before + "# BEGIN owui backup daily\n30 2 * * * /root/owui-ops/owui-daily.sh\n# END owui backup daily\n";
        String diff = Diffs.unified("crontab", before, after);
        assertTrue(diff.contains("+30 2 * * * /root/owui-ops/owui-daily.sh"), diff);
        assertTrue(diff.contains(" AWS_SECRET_ACCESS_KEY=***") && diff.contains(" export DB_PASSWORD=***"), diff);
        assertFalse(diff.contains("wJalrXUtnFEMI") || diff.contains("hunter2"), diff);
        assertTrue(diff.contains(" MAILTO=ops@example.com"), "other lines stay as they are: " + diff);
    }
}
